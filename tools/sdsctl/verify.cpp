// sdsctl verify URI: reads every record; exit 0 clean, 1 problems found, the
// error's own code when it could not run.
#include "core/maintenance/verify.hpp"

#include <fmt/core.h>

#include <memory>
#include <sds/sds.hpp>

#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/databases.hpp"
#include "tools/sdsctl/interrupt.hpp"
#include "tools/sdsctl/output.hpp"
#include "tools/sdsctl/progress_bar.hpp"

namespace sdsctl {
namespace {

namespace maintenance = sds::core::maintenance;

struct VerifyOptions {
  std::string uri;
};

const char* severity_name(maintenance::Finding::Severity severity) {
  return severity == maintenance::Finding::Severity::problem ? "problem" : "note";
}

void print_report(const maintenance::VerifyReport& report, const std::string& uri) {
  const CommonOptions& common = common_options();
  const std::uint64_t listed = report.findings.size();
  const std::uint64_t unlisted = report.problems + report.notes - listed;
  if (common.json) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& finding : report.findings) {
      findings.push_back(
          {{"severity", severity_name(finding.severity)}, {"message", finding.message}});
    }
    print_json({{"uri", uri},
                {"format_version", report.format_version},
                {"stores", report.stores},
                {"records", report.records},
                {"bytes", report.bytes},
                {"problems", report.problems},
                {"notes", report.notes},
                {"findings", findings},
                {"unchecked", report.unchecked.empty() ? nlohmann::json(nullptr)
                                                       : nlohmann::json(report.unchecked)},
                {"unlisted_findings", unlisted},
                {"backend_check",
                 {{"ran", report.backend_check.ran},
                  {"what", report.backend_check.what},
                  {"problems", report.backend_check.problems.size()}}}});
    return;
  }
  if (common.quiet) return;
  for (const auto& finding : report.findings) {
    fmt::print("{}: {}\n", severity_name(finding.severity), finding.message);
  }
  if (unlisted > 0) fmt::print("... and {} more not listed\n", unlisted);
  const auto& check = report.backend_check;
  if (!check.ran) {
    fmt::print("backend check: none ({})\n", check.what);
  } else {
    fmt::print("backend check: {}: {}\n", check.what,
               check.problems.empty() ? "ok" : count_of(check.problems.size(), "problem"));
  }
  if (!report.unchecked.empty()) fmt::print("not checked: {}\n", report.unchecked);
  fmt::print("{}: format {}, {}, {} ({}): {}, {}\n", uri, report.format_version,
             count_of(report.stores, "store"), count_of(report.records, "record"),
             human_bytes(report.bytes), count_of(report.problems, "problem"),
             count_of(report.notes, "note"));
}

int run_verify(const VerifyOptions& options) {
  catch_interrupts();
  // A database that cannot be opened (not a database, a newer format) is an
  // error of its own code: nothing else could be checked.
  Source source(options.uri);
  ProgressBar bar("verifying");
  maintenance::VerifyReport report;
  try {
    report = source.kv() ? maintenance::verify_database(*source.kv(), bar.callback())
                         : maintenance::verify_store_level(*source.database(), bar.callback());
  } catch (const Interrupted&) {
    throw Interrupted(fmt::format("interrupted after reading {} of '{}'; nothing was judged",
                                  human_bytes(bar.done()), source.uri()));
  }
  print_report(report, source.uri());
  return report.problems > 0 ? kExitProblems : kExitOk;
}

}  // namespace

void setup_verify(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<VerifyOptions>();
  CLI::App* sub = app.add_subcommand(
      "verify", "Read and check every record (read-only); exit 0 clean, 1 problems found");
  sub->add_option("URI", options->uri, "Database URI")->required();
  add_common_options(sub);
  sub->callback([options, &chosen] { chosen = [options] { return run_verify(*options); }; });
}

}  // namespace sdsctl
