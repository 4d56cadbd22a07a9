#include "core/size_units.hpp"

#include <array>
#include <charconv>
#include <utility>

#include "core/errors.hpp"
#include "sds/error.hpp"

namespace sds::core {

std::uint64_t parse_size(std::string_view text, std::string_view param, std::string_view uri) {
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 10> kUnits{{
      {"", 1},
      {"B", 1},
      {"KiB", 1ull << 10},
      {"MiB", 1ull << 20},
      {"GiB", 1ull << 30},
      {"TiB", 1ull << 40},
      {"kB", 1000ull},
      {"MB", 1000ull * 1000},
      {"GB", 1000ull * 1000 * 1000},
      {"TB", 1000ull * 1000 * 1000 * 1000},
  }};
  auto fail = [&](const std::string& why) -> std::uint64_t {
    throw Error(Errc::invalid_argument,
                "cannot open " + in_quotes(uri) + ": parameter " + std::string(param) + "=" +
                    keys::printable(text) + " is " + why,
                "write a whole number with an optional unit: B, KiB, MiB, GiB, TiB, kB, MB, "
                "GB, TB; e.g. 64MiB");
  };
  std::uint64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end == text.data()) return fail("not a size");
  const std::string_view unit(end, text.data() + text.size() - end);
  for (const auto& [name, factor] : kUnits) {
    if (unit != name) continue;
    if (number > UINT64_MAX / factor) return fail("too large");
    return number * factor;
  }
  return fail("of an unknown unit '" + keys::printable(unit) + "'");
}

std::string format_size(std::uint64_t bytes) {
  static constexpr std::array<std::pair<const char*, unsigned>, 4> kUnits{{
      {"TiB", 40},
      {"GiB", 30},
      {"MiB", 20},
      {"KiB", 10},
  }};
  for (const auto& [unit, shift] : kUnits) {
    const std::uint64_t factor = std::uint64_t{1} << shift;
    if (bytes != 0 && bytes % factor == 0) return std::to_string(bytes / factor) + unit;
  }
  return std::to_string(bytes);
}

std::int64_t parse_integer(std::string_view text, std::string_view param, std::int64_t min,
                           std::int64_t max, std::string_view uri) {
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size() || number < min || number > max) {
    throw Error(Errc::invalid_argument,
                "cannot open " + in_quotes(uri) + ": parameter " + std::string(param) + "=" +
                    keys::printable(text) + " is out of range or not a whole number",
                "write a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return number;
}

}  // namespace sds::core
