// The HTML report: one self-contained page (inline style and SVG, nothing
// fetched), the comparison table first, then a bar chart per workload and the
// steady state over its checkpoint cycles.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "tools/sdsctl/bench_report.hpp"
#include "tools/sdsctl/bench_svg.hpp"
#include "tools/sdsctl/output.hpp"

namespace sdsctl::bench {
namespace {

// The steady state's charts show at most this many cycles, spread evenly.
constexpr std::size_t kCycleColumns = 40;

constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:62em;padding:0 1em;"
    "color:#222}"
    "table{border-collapse:collapse;font-variant-numeric:tabular-nums}"
    "th,td{padding:.25em .7em;border-bottom:1px solid #ddd;text-align:right}"
    "th:first-child,td:first-child{text-align:left}"
    "h3{margin:1.4em 0 .2em;font-size:1em}p.note{margin:.2em 0 .4em;color:#555}"
    ".key{display:inline-block;width:.9em;height:.9em;margin:0 .3em 0 1em;"
    "vertical-align:middle}";

void write_legend(const Report& report, std::ostream& out) {
  out << "<p>";
  for (std::size_t u = 0; u < report.uris.size(); ++u) {
    out << fmt::format(R"(<span class="key" style="background:{}"></span>{})", series_color(u),
                       escape_html(report.uris[u]));
  }
  out << "</p>\n";
}

void write_table(const Report& report, const std::vector<Row>& rows, std::ostream& out) {
  out << "<table>\n<tr><th>workload</th><th>unit</th>";
  for (const std::string& uri : report.uris) out << "<th>" << escape_html(uri) << "</th>";
  out << "</tr>\n";
  for (const Row& row : rows) {
    out << "<tr><td>" << escape_html(row.label) << "</td><td>" << unit_text(row.unit) << "</td>";
    for (std::size_t u = 0; u < report.uris.size(); ++u) {
      out << "<td>" << escape_html(cell_text(row, u)) << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</table>\n";
}

void write_row_chart(const Report& report, const Row& row, std::ostream& out) {
  const Workload& workload = *report.workloads[row.workload];
  out << "<h3>" << escape_html(row.label) << " (" << unit_text(row.unit) << ", "
      << (higher_is_better(row.unit) ? "higher" : "lower") << " is better)</h3>\n"
      << "<p class=\"note\">" << escape_html(workload.description) << "</p>\n";
  std::vector<Bar> bars;
  for (std::size_t u = 0; u < report.uris.size(); ++u) {
    bars.push_back({report.uris[u], row.values[u], cell_text(row, u), u});
  }
  out << horizontal_bar_chart(bars) << "\n";
}

// The cycles the charts show: evenly spread, the first and the last among
// them (0-based indexes).
std::vector<std::size_t> shown_cycles(std::size_t cycles) {
  std::set<std::size_t> shown{0, cycles - 1};
  const std::size_t columns = std::min(kCycleColumns, cycles);
  for (std::size_t i = 0; i < columns; ++i) {
    shown.insert(columns == 1 ? 0 : i * (cycles - 1) / (columns - 1));
  }
  return {shown.begin(), shown.end()};
}

void write_steady_state(const Report& report, std::size_t w, std::ostream& out) {
  std::size_t cycles = 0;
  for (const Measurement& measurement : report.measurements[w]) {
    cycles = std::max(cycles, measurement.cycles.size());
  }
  if (cycles == 0) return;
  const std::vector<std::size_t> shown = shown_cycles(cycles);
  std::vector<std::string> categories;
  for (const std::size_t cycle : shown) categories.push_back(std::to_string(cycle + 1));

  Series none{"", 0, std::vector<std::optional<double>>(shown.size())};
  std::vector<Series> restore;
  std::vector<Series> disk;
  for (std::size_t u = 0; u < report.uris.size(); ++u) {
    const auto& measured = report.measurements[w][u].cycles;
    Series restore_series = none;
    Series disk_series = none;
    restore_series.label = disk_series.label = report.uris[u];
    restore_series.color = disk_series.color = u;
    for (std::size_t i = 0; i < shown.size() && shown[i] < measured.size(); ++i) {
      const sds::workloads::CycleFigures& cycle = measured[shown[i]];
      restore_series.values[i] = cycle.restore_seconds * 1e3;
      if (cycle.bytes_on_disk) disk_series.values[i] = static_cast<double>(*cycle.bytes_on_disk);
    }
    restore.push_back(std::move(restore_series));
    disk.push_back(std::move(disk_series));
  }
  out << "<h2>Steady state over " << cycles << " checkpoint cycles</h2>\n"
      << "<p class=\"note\">" << escape_html(report.workloads[w]->description)
      << ". Columns: the cycles shown below the axis, one per URI.</p>\n";
  write_legend(report, out);
  out << "<h3>Restore time (ms, lower is better)</h3>\n"
      << grouped_column_chart(categories, restore,
                              [](double ms) { return value_text(Unit::milliseconds, ms) + " ms"; })
      << "\n<h3>Bytes on disk (lower is better; memory: has none)</h3>\n"
      << grouped_column_chart(
             categories, disk,
             [](double bytes) { return human_bytes(static_cast<std::uint64_t>(bytes)); })
      << "\n";
}

}  // namespace

void write_html_report(const Report& report, std::ostream& out) {
  const std::vector<Row> rows = comparison_rows(report);
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<title>sdsctl bench</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n"
      << "<h1>sdsctl bench</h1>\n<p>" << escape_html(run_summary(report)) << ".</p>\n"
      << "<p class=\"note\">Rates (ops/s, MB/s): higher is better; times and sizes: lower is "
         "better. steady_state: the last cycle, and (1.05x): the mean of its last tenth of cycles "
         "over that of its first tenth.</p>\n";
  write_table(report, rows, out);
  out << "<h2>Per workload</h2>\n";
  write_legend(report, out);
  for (const Row& row : rows) write_row_chart(report, row, out);
  for (std::size_t w = 0; w < report.workloads.size(); ++w) {
    if (report.workloads[w]->reports_cycles) write_steady_state(report, w, out);
  }
  out << "</body>\n</html>\n";
}

}  // namespace sdsctl::bench
