// sdsctl verify URI: reads every record; exit 0 clean, 1 problems, 2 could not run.
#include "core/maintenance/verify.hpp"

#include <fmt/core.h>

#include <memory>
#include <sds/sds.hpp>

#include "core/open_shared_backend.hpp"
#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/output.hpp"
#include "tools/sdsctl/progress_bar.hpp"

namespace sdsctl {
namespace {

namespace maintenance = sds::core::maintenance;

struct VerifyOptions {
  std::string uri;
  bool json = false;
};

const char* severity_name(maintenance::Finding::Severity severity) {
  return severity == maintenance::Finding::Severity::problem ? "problem" : "note";
}

void print_report(const maintenance::VerifyReport& report, const std::string& uri, bool json) {
  const std::uint64_t listed = report.findings.size();
  const std::uint64_t unlisted = report.problems + report.notes - listed;
  if (json) {
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
                {"unlisted_findings", unlisted}});
    return;
  }
  for (const auto& finding : report.findings) {
    fmt::print("{}: {}\n", severity_name(finding.severity), finding.message);
  }
  if (unlisted > 0) fmt::print("... and {} more not listed\n", unlisted);
  fmt::print("{}: format {}, {}, {} ({}): {}, {}\n", uri, report.format_version,
             count_of(report.stores, "store"), count_of(report.records, "record"),
             human_bytes(report.bytes), count_of(report.problems, "problem"),
             count_of(report.notes, "note"));
}

int run_verify(const VerifyOptions& options) {
  maintenance::VerifyReport report;
  std::string uri = options.uri;
  try {
    const auto opened = sds::core::open_shared_backend(options.uri, {.read_only = true});
    uri = opened.shared->uri();
    ProgressBar bar("verifying");
    report = maintenance::verify_database(*opened.shared, bar.callback());
  } catch (const sds::Error& error) {
    // Damage that stops the open (a file that is not a database, a newer
    // format) is a finding too, but nothing else could be checked.
    fmt::print(stderr, "sdsctl: verify could not run: {}\n", error.what());
    return kExitUsage;
  }
  print_report(report, uri, options.json);
  return report.problems > 0 ? kExitFailure : kExitOk;
}

}  // namespace

void setup_verify(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<VerifyOptions>();
  CLI::App* sub = app.add_subcommand(
      "verify",
      "Read and check every record (read-only); exit 0 clean, 1 problems, 2 could not run");
  sub->add_option("URI", options->uri, "Database URI")->required();
  sub->add_flag("--json", options->json, "Print JSON (docs/SDSCTL.md)");
  sub->callback([options, &chosen] { chosen = [options] { return run_verify(*options); }; });
}

}  // namespace sdsctl
