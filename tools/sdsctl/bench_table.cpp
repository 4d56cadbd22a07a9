// The comparison table on stdout: workloads down, URIs across.
#include <fmt/core.h>

#include <algorithm>

#include "tools/sdsctl/bench_report.hpp"

namespace sdsctl::bench {

void print_comparison_table(const Report& report) {
  const std::vector<Row> rows = comparison_rows(report);
  std::size_t label_width = std::string_view("workload").size();
  for (const Row& row : rows) label_width = std::max(label_width, row.label.size());
  std::vector<std::size_t> widths;
  for (std::size_t u = 0; u < report.uris.size(); ++u) {
    std::size_t width = report.uris[u].size();
    for (const Row& row : rows) width = std::max(width, cell_text(row, u).size());
    widths.push_back(width);
  }

  fmt::print("sdsctl bench: {}\n", run_summary(report));
  fmt::print(
      "ops/s and MB/s: higher is better; ms and bytes: lower is better. steady_state: the last "
      "cycle, and (1.05x): the mean of its last tenth of cycles over that of its first tenth\n\n");
  fmt::print("{:<{}}  {:<5}", "workload", label_width, "unit");
  for (std::size_t u = 0; u < report.uris.size(); ++u) {
    fmt::print("  {:>{}}", report.uris[u], widths[u]);
  }
  fmt::print("\n");
  for (const Row& row : rows) {
    fmt::print("{:<{}}  {:<5}", row.label, label_width, unit_text(row.unit));
    for (std::size_t u = 0; u < report.uris.size(); ++u) {
      fmt::print("  {:>{}}", cell_text(row, u), widths[u]);
    }
    fmt::print("\n");
  }
}

}  // namespace sdsctl::bench
