#include "tools/sdsctl/output.hpp"

#include <fmt/core.h>

#include <array>

namespace sdsctl {

std::string human_bytes(std::uint64_t bytes) {
  static constexpr std::array<const char*, 5> kUnits{"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double value = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < kUnits.size()) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

std::string count_of(std::uint64_t count, std::string_view noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

std::string summary(const sds::core::maintenance::ContentCounts& counts) {
  return fmt::format("{} ({}) and {}, {}", count_of(counts.stores, "store"),
                     count_of(counts.records, "record"), count_of(counts.blobs, "blob"),
                     human_bytes(counts.bytes));
}

nlohmann::json json_or_null(const std::optional<std::uint64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

void print_json(const nlohmann::json& value) { fmt::print("{}\n", value.dump(2)); }

}  // namespace sdsctl
