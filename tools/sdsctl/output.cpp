#include "tools/sdsctl/output.hpp"

#include <fmt/core.h>

#include <array>

#include "core/keys.hpp"
#include "sds/error.hpp"
#include "tools/sdsctl/commands.hpp"

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
  const bool sibilant = noun.ends_with("ch") || noun.ends_with("s");
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : sibilant ? "es" : "s");
}

std::string summary(const sds::core::maintenance::ContentCounts& counts) {
  return fmt::format("{} ({}) and {}, {}", count_of(counts.stores, "store"),
                     count_of(counts.records, "record"), count_of(counts.blobs, "blob"),
                     human_bytes(counts.bytes));
}

std::string printed(std::string_view bytes) {
  return sds::core::keys::printable(bytes, sds::core::keys::kWhole);
}

std::string parse_id(const std::string& text, std::string_view what) {
  if (auto bytes = sds::core::keys::parse_printable(text)) return *std::move(bytes);
  throw sds::Error(sds::Errc::invalid_argument,
                   std::string(what) + " '" + text + "' is not in the printed form",
                   "write a byte outside printable ASCII as \\xNN, and a backslash as \\x5c, as "
                   "`sdsctl stores` prints them");
}

nlohmann::json counts_json(const sds::core::maintenance::ContentCounts& counts) {
  return {{"stores", counts.stores},
          {"records", counts.records},
          {"blobs", counts.blobs},
          {"bytes", counts.bytes}};
}

nlohmann::json json_or_null(const std::optional<std::uint64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

void print_json(const nlohmann::json& value) {
  // Messages hold bytes of ids escaped already; anything else is replaced.
  fmt::print("{}\n", value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

void report_error(std::string_view code, int exit_code, std::string_view message,
                  std::string_view advice) {
  if (common_options().json) {
    print_json(
        {{"error",
          {{"code", code}, {"exit_code", exit_code}, {"message", message}, {"advice", advice}}}});
    return;
  }
  if (advice.empty()) {
    fmt::print(stderr, "sdsctl: {}\n", message);
  } else {
    fmt::print(stderr, "sdsctl: {}; {}\n", message, advice);
  }
}

}  // namespace sdsctl
