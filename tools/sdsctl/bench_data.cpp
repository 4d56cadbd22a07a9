// The results as data: JSON (docs/SDSCTL.md has the shape) and CSV.
#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "tools/sdsctl/bench_report.hpp"
#include "tools/sdsctl/output.hpp"

namespace sdsctl::bench {
namespace {

const char* status_text(Measurement::Status status) {
  switch (status) {
    case Measurement::Status::measured:
      return "measured";
    case Measurement::Status::skipped:
      return "skipped";
    case Measurement::Status::failed:
      return "failed";
  }
  return "?";
}

// The first row of workload `w` in comparison_rows(): its table figure.
const Row& row_of(const std::vector<Row>& rows, std::size_t w) {
  return *std::find_if(rows.begin(), rows.end(), [&](const Row& row) { return row.workload == w; });
}

nlohmann::json cycles_json(const Measurement& measurement) {
  nlohmann::json cycles = nlohmann::json::array();
  for (const sds::workloads::CycleFigures& cycle : measurement.cycles) {
    cycles.push_back({{"restore_ms", cycle.restore_seconds * 1e3},
                      {"bytes_on_disk", json_or_null(cycle.bytes_on_disk)}});
  }
  return cycles;
}

// CSV fields are quoted when they hold a comma, a quote or a line break.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string csv_number(const std::optional<double>& value) {
  return value ? fmt::format("{}", *value) : "";
}

}  // namespace

void print_results_json(const Report& report) {
  const std::vector<Row> rows = comparison_rows(report);
  nlohmann::json results = nlohmann::json::array();
  for (std::size_t w = 0; w < report.workloads.size(); ++w) {
    const Workload& workload = *report.workloads[w];
    const Row& row = row_of(rows, w);
    for (std::size_t u = 0; u < report.uris.size(); ++u) {
      const Measurement& measurement = report.measurements[w][u];
      nlohmann::json result = {
          {"workload", workload.name},
          {"description", workload.description},
          {"uri", report.uris[u]},
          {"status", status_text(measurement.status)},
          {"message", measurement.message.empty() ? nlohmann::json(nullptr)
                                                  : nlohmann::json(measurement.message)},
          {"unit", unit_text(row.unit)},
          {"value", row.values[u] ? nlohmann::json(*row.values[u]) : nlohmann::json(nullptr)},
          {"runs", measurement.runs},
          {"seconds", measurement.total.seconds},
          {"ops", measurement.total.ops},
          {"bytes", measurement.total.bytes},
          {"bytes_on_disk", json_or_null(measurement.total.bytes_on_disk)}};
      if (!measurement.cycles.empty()) result["cycles"] = cycles_json(measurement);
      results.push_back(std::move(result));
    }
  }
  print_json({{"sdsctl_bench", 1},
              {"started", report.started},
              {"duration_seconds", report.duration_seconds},
              {"load_average", report.load_average},
              {"uris", report.uris},
              {"results", results}});
}

void print_results_csv(const Report& report) {
  const std::vector<Row> rows = comparison_rows(report);
  fmt::print("workload,uri,status,unit,value,runs,seconds,ops,bytes,bytes_on_disk,message\n");
  for (std::size_t w = 0; w < report.workloads.size(); ++w) {
    const Workload& workload = *report.workloads[w];
    const Row& row = row_of(rows, w);
    for (std::size_t u = 0; u < report.uris.size(); ++u) {
      const Measurement& measurement = report.measurements[w][u];
      const auto& on_disk = measurement.total.bytes_on_disk;
      fmt::print("{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(workload.name),
                 csv_field(report.uris[u]), status_text(measurement.status), unit_text(row.unit),
                 csv_number(row.values[u]), measurement.runs, measurement.total.seconds,
                 measurement.total.ops, measurement.total.bytes,
                 on_disk ? std::to_string(*on_disk) : "", csv_field(measurement.message));
    }
  }
}

}  // namespace sdsctl::bench
