// The values of the common URI parameters (docs/DESIGN.md section 8.5), spelled
// once: open.cpp parses them, registry.cpp lists them with their defaults.
#pragma once

#include <optional>
#include <string_view>

#include "sds/registry.hpp"

namespace sds::core {

// "off", "normal", "full".
const char* sync_name(SyncMode mode);
std::optional<SyncMode> parse_sync(std::string_view name);

// "zstd" (enabled) or "none".
const char* compression_name(bool enabled);
std::optional<bool> parse_compression(std::string_view name);

}  // namespace sds::core
