// End-to-end tests of `sdsctl bench`: each runs the real binary on tiny
// budgets and checks its exit code and output (the JSON shape of
// docs/SDSCTL.md, the HTML page, usage errors).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sds/sds.hpp>
#include <string>
#include <vector>

#include "tests/conformance/test_support.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using sds::test::TempDir;

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string shell_quote(const std::string& arg) {
  std::string out = "'";
  for (const char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class SdsctlBenchTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return dir_.path() + "/" + name; }

  // Runs `sdsctl bench ARGS...`, stdout and stderr captured.
  Result bench(const std::vector<std::string>& args) const {
    std::string command = shell_quote(SDSCTL_PATH) + " bench";
    for (const std::string& arg : args) command += " " + shell_quote(arg);
    command += " >" + shell_quote(path("out")) + " 2>" + shell_quote(path("err"));
    const int status = std::system(command.c_str());
    Result result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(path("out"));
    result.err = read_file(path("err"));
    return result;
  }

  TempDir dir_;
};

TEST_F(SdsctlBenchTest, JsonHasOneResultPerWorkloadAndUri) {
  const Result result = bench({"memory:", "--workload", "append_per_call", "--workload",
                               "restore_cold_process", "--duration", "0.2", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const json out = json::parse(result.out);
  EXPECT_EQ(out["sdsctl_bench"], 1);
  EXPECT_EQ(out["uris"], json::array({"memory:"}));
  EXPECT_EQ(out["duration_seconds"], 0.2);
  EXPECT_EQ(out["load_average"].size(), 3u);
  EXPECT_TRUE(out["started"].is_string());
  ASSERT_EQ(out["results"].size(), 2u);

  const json& append = out["results"][0];
  EXPECT_EQ(append["workload"], "append_per_call");
  EXPECT_EQ(append["uri"], "memory:");
  EXPECT_EQ(append["status"], "measured");
  EXPECT_TRUE(append["message"].is_null());
  EXPECT_EQ(append["unit"], "ops/s");
  EXPECT_GT(append["value"].get<double>(), 0);
  EXPECT_GE(append["runs"].get<int>(), 1);
  EXPECT_GT(append["seconds"].get<double>(), 0);
  EXPECT_GT(append["ops"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(append["bytes"].get<std::uint64_t>(), append["ops"].get<std::uint64_t>() * 200);
  EXPECT_TRUE(append["bytes_on_disk"].is_null());  // memory: has no disk
  EXPECT_TRUE(append["description"].is_string());

  // A restore in a fresh process needs a database on disk.
  const json& cold = out["results"][1];
  EXPECT_EQ(cold["workload"], "restore_cold_process");
  EXPECT_EQ(cold["status"], "skipped");
  EXPECT_TRUE(cold["value"].is_null());
  EXPECT_TRUE(cold["message"].is_string());
}

TEST_F(SdsctlBenchTest, TheSteadyStateReportsEveryCycle) {
  const Result result =
      bench({"memory:", "--workload", "steady_state", "--duration", "0.01", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const json out = json::parse(result.out);
  const json& steady = out["results"][0];
  EXPECT_EQ(steady["unit"], "ms");
  ASSERT_EQ(steady["cycles"].size(), 20u);  // the fewest cycles, whatever the budget
  EXPECT_GT(steady["cycles"][19]["restore_ms"].get<double>(), 0);
  EXPECT_TRUE(steady["cycles"][19]["bytes_on_disk"].is_null());
}

TEST_F(SdsctlBenchTest, TheTableComparesUrisAndProgressGoesToStderr) {
  const Result result = bench({"memory:", "memory:?compression=none", "--workload",
                               "blob_save_compressible", "--duration", "0.05"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("workload"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("blob_save_compressible  MB/s"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("memory:?compression=none"), std::string::npos) << result.out;
  EXPECT_NE(result.err.find("[2/2] blob_save_compressible"), std::string::npos) << result.err;
  EXPECT_EQ(result.out.find("[1/2]"), std::string::npos) << result.out;
}

TEST_F(SdsctlBenchTest, CsvHasAHeaderAndOneLinePerMeasurement) {
  const Result result = bench({"memory:", "--workload", "append_per_call", "--workload",
                               "restore_warm", "--duration", "0.05", "--csv"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.rfind("workload,uri,status,unit,value,", 0), 0u) << result.out;
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 3) << result.out;
  EXPECT_NE(result.out.find("\nrestore_warm,memory:,measured,ms,"), std::string::npos)
      << result.out;
}

TEST_F(SdsctlBenchTest, HtmlIsOnePageWithInlineChartsAndNoNetworkResource) {
  const std::string page = path("report.html");
  const Result result = bench({"memory:", "--workload", "append_per_call", "--workload",
                               "steady_state", "--duration", "0.02", "--html", page});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("append_per_call"), std::string::npos) << result.out;
  const std::string html = read_file(page);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("<rect"), std::string::npos);
  EXPECT_NE(html.find("Steady state over 20 checkpoint cycles"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
}

TEST_F(SdsctlBenchTest, DatabasesOnDiskAreMadeInTheUrisDirectoryAndRemoved) {
  std::string scheme;
  for (const std::string& candidate : sds::backends()) {
    if (candidate != "memory") scheme = candidate;
  }
  if (scheme.empty()) GTEST_SKIP() << "no persistent backend in this build";
  fs::create_directory(path("place"));
  const Result result = bench({scheme + ":" + path("place"), "--workload", "append_per_call",
                               "--duration", "0.05", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const json out = json::parse(result.out);
  EXPECT_GT(out["results"][0]["bytes_on_disk"].get<std::uint64_t>(), 0u);
  EXPECT_TRUE(fs::is_empty(path("place")));
}

TEST_F(SdsctlBenchTest, BadInputIsAUsageErrorBeforeAnythingRuns) {
  const std::vector<std::vector<std::string>> bad = {
      {"memory:", "--workload", "no_such_workload"},
      {"no-scheme"},
      {"nosuch:"},
      {"memory:?sync=sometimes"},
      {"sqlite:" + path("missing-directory")},
      {"memory:", "--duration", "0"},
      {"memory:", "--duration", "soon"},
      {"memory:", "--csv", "--html", path("report.html")},
      {"memory:", "--html", path("missing-directory/report.html")},
  };
  for (const std::vector<std::string>& args : bad) {
    const Result result = bench(args);
    EXPECT_EQ(result.exit_code, 2) << args.back();
    EXPECT_EQ(result.err.rfind("sdsctl: ", 0), 0u) << result.err;
    EXPECT_EQ(result.err.find("[1/"), std::string::npos) << result.err;  // nothing measured
    EXPECT_EQ(result.out, "") << args.back();
  }
  // With --json the error is JSON on stdout, as on every subcommand.
  const Result both = bench({"memory:", "--json", "--csv"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_EQ(json::parse(both.out)["error"]["code"], "usage") << both.out;
  const Result unknown = bench({"memory:", "--workload", "no_such_workload"});
  EXPECT_NE(unknown.err.find("append_per_call"), std::string::npos) << unknown.err;
  EXPECT_EQ(bench({"--help"}).exit_code, 0);
}

}  // namespace
