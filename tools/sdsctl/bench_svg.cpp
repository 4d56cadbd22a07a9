#include "tools/sdsctl/bench_svg.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

namespace sdsctl::bench {
namespace {

constexpr std::array<const char*, 10> kPalette{"#4e79a7", "#f28e2b", "#e15759", "#76b7b2",
                                               "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                                               "#9c755f", "#bab0ac"};

double largest(const std::vector<std::optional<double>>& values) {
  double most = 0;
  for (const std::optional<double>& value : values) most = std::max(most, value.value_or(0));
  return most;
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

const char* series_color(std::size_t index) { return kPalette[index % kPalette.size()]; }

std::string horizontal_bar_chart(const std::vector<Bar>& bars) {
  constexpr int kWidth = 680;
  constexpr int kLabelWidth = 200;
  constexpr int kBarArea = 340;
  constexpr int kRowHeight = 24;
  std::vector<std::optional<double>> values;
  for (const Bar& bar : bars) values.push_back(bar.value);
  const double most = largest(values);
  const int height = static_cast<int>(bars.size()) * kRowHeight + 4;
  std::string svg = fmt::format(
      R"(<svg width="{0}" height="{1}" viewBox="0 0 {0} {1}" role="img">)", kWidth, height);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& bar = bars[i];
    const int top = static_cast<int>(i) * kRowHeight + 2;
    const int length =
        most > 0 && bar.value ? std::max(1, static_cast<int>(*bar.value / most * kBarArea)) : 0;
    svg += fmt::format(R"(<text x="0" y="{}" font-size="13">{}</text>)", top + 15,
                       escape_html(bar.label));
    svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="18" fill="{}"/>)", kLabelWidth,
                       top, length, series_color(bar.color));
    svg += fmt::format(R"(<text x="{}" y="{}" font-size="12">{}</text>)", kLabelWidth + length + 6,
                       top + 14, escape_html(bar.text));
  }
  return svg + "</svg>";
}

std::string grouped_column_chart(const std::vector<std::string>& categories,
                                 const std::vector<Series>& series,
                                 const std::function<std::string(double)>& format) {
  constexpr int kWidth = 760;
  constexpr int kHeight = 260;
  constexpr int kLeft = 80;  // the value axis' labels
  constexpr int kTop = 10;
  constexpr int kBottom = 30;  // the category labels
  constexpr int kPlotWidth = kWidth - kLeft - 10;
  constexpr int kPlotHeight = kHeight - kTop - kBottom;
  constexpr std::size_t kCategoryLabels = 10;
  double most = 0;
  for (const Series& one : series) most = std::max(most, largest(one.values));
  if (most <= 0) most = 1;
  std::string svg = fmt::format(
      R"(<svg width="{0}" height="{1}" viewBox="0 0 {0} {1}" role="img">)", kWidth, kHeight);
  // The value axis: 0, half and the largest value, with grid lines.
  for (const double fraction : {0.0, 0.5, 1.0}) {
    const double y = kTop + kPlotHeight * (1 - fraction);
    svg += fmt::format(R"(<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="#ccc"/>)", kLeft, y,
                       kWidth - 10, y);
    svg += fmt::format(R"(<text x="{}" y="{:.1f}" font-size="11" text-anchor="end">{}</text>)",
                       kLeft - 6, y + 4, escape_html(format(most * fraction)));
  }
  const double group =
      static_cast<double>(kPlotWidth) / std::max<std::size_t>(1, categories.size());
  const double column = group * 0.8 / std::max<std::size_t>(1, series.size());
  const std::size_t label_every = std::max<std::size_t>(1, categories.size() / kCategoryLabels);
  for (std::size_t c = 0; c < categories.size(); ++c) {
    const double left = kLeft + group * c + group * 0.1;
    for (std::size_t s = 0; s < series.size(); ++s) {
      const std::optional<double> value = series[s].values[c];
      if (!value) continue;
      const double height = *value / most * kPlotHeight;
      svg +=
          fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"/>)",
                      left + column * s, kTop + kPlotHeight - height, column, height,
                      series_color(series[s].color));
    }
    if (c % label_every == 0) {
      svg += fmt::format(R"(<text x="{:.1f}" y="{}" font-size="11" text-anchor="middle">{}</text>)",
                         kLeft + group * (c + 0.5), kHeight - 10, escape_html(categories[c]));
    }
  }
  return svg + "</svg>";
}

}  // namespace sdsctl::bench
