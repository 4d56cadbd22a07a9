// The results of one `sdsctl bench` run, and the ways to show them: the
// comparison table (stdout), JSON, CSV, and an HTML page with charts.
#pragma once

#include <array>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tools/sdsctl/bench_suite.hpp"

namespace sdsctl::bench {

struct Report {
  std::string started;  // UTC, e.g. "2026-11-26T03:50:00Z"
  std::array<double, 3> load_average{};
  double duration_seconds = 0;
  std::vector<std::string> uris;
  std::vector<const Workload*> workloads;
  // measurements[w][u]: workloads[w] on uris[u].
  std::vector<std::vector<Measurement>> measurements;
};

// One line of the comparison table: one figure of one workload, per URI.
struct Row {
  std::size_t workload;  // in Report::workloads
  std::string label;
  Unit unit;
  std::vector<Measurement::Status> status;    // per URI
  std::vector<std::optional<double>> values;  // per URI; nullopt unless measured
  // The steady state: its last tenth of cycles over its first tenth, as
  // sds::workloads::steady_state_growth() compares them.
  std::vector<std::optional<double>> growth;
};

// Every workload's row; the steady state has two (restore time, bytes on disk).
std::vector<Row> comparison_rows(const Report& report);

// "ops/s", "MB/s", "ms", "bytes".
const char* unit_text(Unit unit);
// Whether a larger value is better (rates).
bool higher_is_better(Unit unit);
// "41,230", "123.4", "0.052", "1.2 MiB"; then " (1.05x)" with a growth;
// "-" when skipped, "failed" when failed.
std::string cell_text(const Row& row, std::size_t uri);
// The figure alone, as in cell_text.
std::string value_text(Unit unit, double value);
// One line with the date, the budget and the load average.
std::string run_summary(const Report& report);

void print_comparison_table(const Report& report);
void print_results_json(const Report& report);
void print_results_csv(const Report& report);
// One self-contained page: the table, then bar charts as inline SVG.
void write_html_report(const Report& report, std::ostream& out);

}  // namespace sdsctl::bench
