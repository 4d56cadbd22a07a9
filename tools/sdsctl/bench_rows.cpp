// The comparison table's rows and how their figures read.
#include <fmt/core.h>

#include <cmath>
#include <functional>

#include "tools/sdsctl/bench_report.hpp"
#include "tools/sdsctl/output.hpp"

namespace sdsctl::bench {
namespace {

using sds::workloads::CycleFigures;

// The table's figure of a measured workload (not the steady state). Times
// are per run: one restore, checkpoint, prune, open and restore.
double headline(Unit unit, const Measurement& measurement) {
  const sds::workloads::Figures& total = measurement.total;
  switch (unit) {
    case Unit::ops_per_second:
      return static_cast<double>(total.ops) / total.seconds;
    case Unit::megabytes_per_second:
      return static_cast<double>(total.bytes) / 1e6 / total.seconds;
    case Unit::milliseconds:
      return total.seconds * 1e3 / measurement.runs;
    case Unit::bytes:
      return static_cast<double>(total.bytes_on_disk.value_or(0));
  }
  return 0;
}

std::string group_thousands(std::uint64_t value) {
  std::string digits = std::to_string(value);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(at, ",");
  return digits;
}

using sds::workloads::SteadyStateGrowth;
using CycleValue = std::function<std::optional<double>(const CycleFigures&)>;
using GrowthValue = std::function<std::optional<double>(const SteadyStateGrowth&)>;

// A steady-state row: `value` of the last cycle, and how it grew.
Row steady_state_row(const Report& report, std::size_t workload, std::string label, Unit unit,
                     const CycleValue& value, const GrowthValue& growth) {
  Row row{workload, std::move(label), unit, {}, {}, {}};
  for (const Measurement& measurement : report.measurements[workload]) {
    row.status.push_back(measurement.status);
    const bool measured =
        measurement.status == Measurement::Status::measured && !measurement.cycles.empty();
    row.values.push_back(measured ? value(measurement.cycles.back()) : std::nullopt);
    row.growth.push_back(measured ? growth(sds::workloads::steady_state_growth(measurement.cycles))
                                  : std::nullopt);
  }
  return row;
}

}  // namespace

const char* unit_text(Unit unit) {
  switch (unit) {
    case Unit::ops_per_second:
      return "ops/s";
    case Unit::megabytes_per_second:
      return "MB/s";
    case Unit::milliseconds:
      return "ms";
    case Unit::bytes:
      return "bytes";
  }
  return "?";
}

bool higher_is_better(Unit unit) {
  return unit == Unit::ops_per_second || unit == Unit::megabytes_per_second;
}

std::vector<Row> comparison_rows(const Report& report) {
  std::vector<Row> rows;
  for (std::size_t w = 0; w < report.workloads.size(); ++w) {
    const Workload& workload = *report.workloads[w];
    if (workload.reports_cycles) {
      rows.push_back(steady_state_row(
          report, w, "steady_state restore", Unit::milliseconds,
          [](const CycleFigures& cycle) -> std::optional<double> {
            return cycle.restore_seconds * 1e3;
          },
          [](const SteadyStateGrowth& growth) -> std::optional<double> { return growth.restore; }));
      rows.push_back(steady_state_row(
          report, w, "steady_state bytes on disk", Unit::bytes,
          [](const CycleFigures& cycle) -> std::optional<double> {
            if (!cycle.bytes_on_disk) return std::nullopt;
            return static_cast<double>(*cycle.bytes_on_disk);
          },
          [](const SteadyStateGrowth& growth) { return growth.bytes_on_disk; }));
      continue;
    }
    Row row{w, workload.name, workload.unit, {}, {}, {}};
    for (const Measurement& measurement : report.measurements[w]) {
      row.status.push_back(measurement.status);
      row.values.push_back(measurement.status == Measurement::Status::measured
                               ? std::optional(headline(workload.unit, measurement))
                               : std::nullopt);
      row.growth.push_back(std::nullopt);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string value_text(Unit unit, double value) {
  switch (unit) {
    case Unit::ops_per_second:
      return group_thousands(static_cast<std::uint64_t>(std::llround(value)));
    case Unit::megabytes_per_second:
      return value < 1000 ? fmt::format("{:.1f}", value)
                          : group_thousands(static_cast<std::uint64_t>(std::llround(value)));
    case Unit::milliseconds:
      if (value < 1) return fmt::format("{:.3f}", value);
      if (value < 10) return fmt::format("{:.2f}", value);
      if (value < 100) return fmt::format("{:.1f}", value);
      return group_thousands(static_cast<std::uint64_t>(std::llround(value)));
    case Unit::bytes:
      return human_bytes(static_cast<std::uint64_t>(std::llround(value)));
  }
  return "?";
}

std::string cell_text(const Row& row, std::size_t uri) {
  if (row.status[uri] == Measurement::Status::failed) return "failed";
  if (!row.values[uri]) return "-";
  std::string text = value_text(row.unit, *row.values[uri]);
  if (row.growth[uri]) text += fmt::format(" ({:.2f}x)", *row.growth[uri]);
  return text;
}

std::string run_summary(const Report& report) {
  return fmt::format(
      "{}, {} s of measurement per workload and URI, load average {:.2f} {:.2f} {:.2f}",
      report.started, report.duration_seconds, report.load_average[0], report.load_average[1],
      report.load_average[2]);
}

}  // namespace sdsctl::bench
