// Formatting shared by the subcommands: sizes, store ids and hashes, JSON.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/maintenance/contents.hpp"

namespace sdsctl {

// "12.3 KiB"; plain "512 B" under a KiB.
std::string human_bytes(std::uint64_t bytes);

// "2 stores (14 records) and 1 blob, 11.5 KiB": what a transfer moved.
std::string summary(const sds::core::maintenance::ContentCounts& counts);

// "1 store", "2 stores".
std::string count_of(std::uint64_t count, std::string_view noun);

// A number, or null.
nlohmann::json json_or_null(const std::optional<std::uint64_t>& value);

// Writes `value` to stdout, indented, with a final newline.
void print_json(const nlohmann::json& value);

}  // namespace sdsctl
