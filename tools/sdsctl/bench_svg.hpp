// Bar charts as inline SVG for the HTML report: plain elements with
// attributes, no script, no external resource, no namespace declaration
// (HTML5 needs none for inline SVG).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sdsctl::bench {

// &, <, > and " as entities.
std::string escape_html(std::string_view text);

// A fill color per series index (a palette that stays apart for the color
// blind), repeating after ten.
const char* series_color(std::size_t index);

// One horizontal bar per entry, scaled to the largest value; `text` is
// written after the bar (the value with its unit, or why there is none).
struct Bar {
  std::string label;
  std::optional<double> value;
  std::string text;
  std::size_t color;
};
std::string horizontal_bar_chart(const std::vector<Bar>& bars);

// Columns grouped by category (e.g. cycles along an axis), one column per
// series in each group; nullopt values leave a gap. `format` writes the
// axis labels.
struct Series {
  std::string label;
  std::size_t color;
  std::vector<std::optional<double>> values;  // one per category
};
std::string grouped_column_chart(const std::vector<std::string>& categories,
                                 const std::vector<Series>& series,
                                 const std::function<std::string(double)>& format);

}  // namespace sdsctl::bench
