// sdsctl bench [URI...] [--workload NAME...] [--duration SECONDS]
// [--json | --csv | --html FILE]: the standard workloads on each URI, side by
// side in one comparison table (docs/SDSCTL.md, "bench").
#include <fmt/core.h>
#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <sds/sds.hpp>
#include <stdexcept>
#include <system_error>

#include "core/uri.hpp"
#include "place.hpp"
#include "tools/sdsctl/bench_report.hpp"
#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/output.hpp"

namespace sdsctl {
namespace {

using bench::Measurement;
using bench::Report;
using bench::Target;
using bench::Workload;

// Every workload on the four built-in backends then takes 30-60 s here (2
// cores, virtual disk), setup included.
constexpr double kDefaultDuration = 0.25;

struct BenchOptions {
  std::vector<std::string> uris;
  std::vector<std::string> workloads;
  double duration = kDefaultDuration;
  bool json = false;
  bool csv = false;
  std::string html;
};

// Bad input, reported as a usage error.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

CLI::Validator positive_seconds() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        const double seconds = std::strtod(text.c_str(), &end);
        if (!text.empty() && *end == '\0' && std::isfinite(seconds) && seconds > 0) return "";
        return "expected a positive number of seconds, not '" + text + "'";
      },
      "SECONDS");
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

std::vector<const Workload*> chosen_workloads(const std::vector<std::string>& names) {
  const std::vector<Workload>& all = bench::standard_workloads();
  std::vector<const Workload*> chosen;
  for (const Workload& workload : all) {
    if (names.empty() || std::find(names.begin(), names.end(), workload.name) != names.end()) {
      chosen.push_back(&workload);
    }
  }
  for (const std::string& name : names) {
    if (std::none_of(all.begin(), all.end(), [&](const Workload& w) { return w.name == name; })) {
      std::vector<std::string> known;
      for (const Workload& workload : all) known.push_back(workload.name);
      throw UsageError(fmt::format("unknown workload '{}' (workloads: {})", name, joined(known)));
    }
  }
  return chosen;
}

// Parses `uri` and opens a database the way the workloads will, in a
// temporary directory removed at once: a bad scheme, parameter or directory
// is refused before anything is measured.
Target checked_target(const std::string& uri) {
  const std::string what = fmt::format("bench URI '{}'", sds::core::mask_password(uri));
  Target target;
  try {
    target = Target::parse(uri);
  } catch (const std::invalid_argument&) {
    throw UsageError(what + " has no scheme: expected scheme:[DIR][?params], e.g. sqlite: or " +
                     "lmdb:/mnt/disk?sync=full");
  }
  const std::vector<std::string> schemes = sds::backends();
  if (std::find(schemes.begin(), schemes.end(), target.scheme) == schemes.end()) {
    throw UsageError(fmt::format("{}: unknown scheme '{}' (this build has: {})", what,
                                 target.scheme, joined(schemes)));
  }
  try {
    const sds::workloads::Place place(target);
    sds::open_database(place.uri());
  } catch (const std::system_error& error) {
    throw UsageError(fmt::format("{}: {} (its path names the directory to make the databases in)",
                                 what, error.what()));
  } catch (const sds::Error& error) {
    throw UsageError(fmt::format("{}: {}", what, error.what()));
  }
  return target;
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

Measurement measure(const Workload& workload, const Target& target, double seconds) {
  if (workload.needs_disk && !target.persistent()) {
    return {Measurement::Status::skipped, "needs a database on disk", 0, {}, {}};
  }
  try {
    return workload.measure(target, seconds);
  } catch (const std::exception& error) {
    return {Measurement::Status::failed, error.what(), 0, {}, {}};
  }
}

// What a measurement gave, for the progress lines: its rows' figures.
std::string progress_text(const Report& report, std::size_t w, std::size_t u) {
  const Measurement& measurement = report.measurements[w][u];
  if (measurement.status == Measurement::Status::skipped) {
    return "skipped: " + measurement.message;
  }
  if (measurement.status == Measurement::Status::failed) return "FAILED: " + measurement.message;
  std::string text;
  for (const bench::Row& row : bench::comparison_rows(report)) {
    if (row.workload != w || !row.values[u]) continue;
    text += (text.empty() ? "" : ", ") + bench::value_text(row.unit, *row.values[u]);
    if (row.unit != bench::Unit::bytes) text += std::string(" ") + bench::unit_text(row.unit);
    if (row.growth[u]) text += fmt::format(" ({:.2f}x)", *row.growth[u]);
  }
  return text;
}

int run_bench(const BenchOptions& options) {
  Report report;
  std::vector<Target> targets;
  std::ofstream html;
  try {
    report.workloads = chosen_workloads(options.workloads);
    report.uris = options.uris;
    if (report.uris.empty()) {
      // A server scheme is measured only on a server named: sdsctl bench postgres://...
      for (const sds::BackendInfo& info : sds::backend_infos()) {
        if (info.path_kind != sds::PathKind::server) report.uris.push_back(info.scheme + ":");
      }
    }
    for (std::string& uri : report.uris) {
      targets.push_back(checked_target(uri));
      uri = sds::core::mask_password(uri);  // the report shows the URI, never its password
    }
    if (!options.html.empty()) {
      html.open(options.html, std::ios::binary | std::ios::trunc);
      if (!html) {
        throw UsageError(fmt::format("cannot write '{}': {}", options.html, std::strerror(errno)));
      }
    }
  } catch (const UsageError& error) {
    fmt::print(stderr, "sdsctl: {}\n", error.what());
    return kExitUsage;
  }

  report.started = utc_now();
  report.duration_seconds = options.duration;
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) == 3) report.load_average = {load[0], load[1], load[2]};
  report.measurements.assign(report.workloads.size(), std::vector<Measurement>(targets.size()));
  const std::size_t total = report.workloads.size() * targets.size();
  fmt::print(stderr, "sdsctl bench: {} on {} ({} s of measurement each, plus setup)\n",
             count_of(report.workloads.size(), "workload"), joined(report.uris), options.duration);
  // Workload by workload, so that the URIs compared run close in time.
  bool failed = false;
  for (std::size_t w = 0; w < report.workloads.size(); ++w) {
    const Workload& workload = *report.workloads[w];
    for (std::size_t u = 0; u < targets.size(); ++u) {
      Measurement& measurement = report.measurements[w][u];
      measurement = measure(workload, targets[u], options.duration);
      failed |= measurement.status == Measurement::Status::failed;
      fmt::print(stderr, "[{:>{}}/{}] {:<32} {:<12} {}\n", w * targets.size() + u + 1,
                 std::to_string(total).size(), total, workload.name, report.uris[u],
                 progress_text(report, w, u));
    }
  }

  if (options.json) {
    bench::print_results_json(report);
  } else if (options.csv) {
    bench::print_results_csv(report);
  } else {
    bench::print_comparison_table(report);
  }
  if (html.is_open()) {
    bench::write_html_report(report, html);
    html.close();
    if (!html) {
      fmt::print(stderr, "sdsctl: writing '{}' failed\n", options.html);
      return kExitFailure;
    }
    fmt::print(stderr, "sdsctl bench: wrote {}\n", options.html);
  }
  return failed ? kExitFailure : kExitOk;
}

}  // namespace

void setup_bench(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<BenchOptions>();
  CLI::App* sub = app.add_subcommand(
      "bench", "Run the standard workloads on each URI and compare them (default: every backend)");
  sub->add_option("URI", options->uris,
                  "scheme:[DIR][?params]: the databases are made in fresh temporary directories "
                  "in DIR (default: $TMPDIR or /tmp) and removed afterwards; of a server, "
                  "postgres://user:pw@host:port/db[?params], in fresh tables bench_* left there "
                  "(default: every backend but server ones)");
  sub->add_option("--workload", options->workloads, "Run only this workload (repeatable)")
      ->allow_extra_args(false);
  sub->add_option(
         "--duration", options->duration,
         fmt::format("Seconds of measurement per workload and URI (default {})", kDefaultDuration))
      ->check(positive_seconds());
  CLI::Option* json = sub->add_flag("--json", options->json, "Print JSON (docs/SDSCTL.md)");
  CLI::Option* csv = sub->add_flag("--csv", options->csv, "Print CSV, one line per measurement");
  CLI::Option* html =
      sub->add_option("--html", options->html, "Also write an HTML page with charts to FILE")
          ->type_name("FILE");
  json->excludes(csv)->excludes(html);
  csv->excludes(html);
  sub->callback([options, &chosen] { chosen = [options] { return run_bench(*options); }; });
}

}  // namespace sdsctl
