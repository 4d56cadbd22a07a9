#include "core/params.hpp"

#include <array>
#include <utility>

namespace sds::core {
namespace {

constexpr std::array<std::pair<SyncMode, const char*>, 3> kSyncNames{{
    {SyncMode::off, "off"},
    {SyncMode::normal, "normal"},
    {SyncMode::full, "full"},
}};

}  // namespace

const char* sync_name(SyncMode mode) {
  for (const auto& [known, name] : kSyncNames) {
    if (known == mode) return name;
  }
  return "?";
}

std::optional<SyncMode> parse_sync(std::string_view name) {
  for (const auto& [mode, known] : kSyncNames) {
    if (known == name) return mode;
  }
  return std::nullopt;
}

const char* compression_name(bool enabled) { return enabled ? "zstd" : "none"; }

std::optional<bool> parse_compression(std::string_view name) {
  if (name == compression_name(true)) return true;
  if (name == compression_name(false)) return false;
  return std::nullopt;
}

}  // namespace sds::core
