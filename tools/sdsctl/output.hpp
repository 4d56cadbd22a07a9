// Formatting shared by the subcommands: sizes, ids, JSON, errors.
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

// "1 store", "2 stores"; "1 patch", "2 patches".
std::string count_of(std::uint64_t count, std::string_view noun);

// A store id or hash as every subcommand prints it: printable ASCII as is,
// every other byte and the backslash as \xNN (keys::printable, whole).
std::string printed(std::string_view bytes);

// The bytes of an id or hash given on the command line in that printed form
// (`what` names the argument for the error); invalid_argument for a
// backslash that starts no \xNN.
std::string parse_id(const std::string& text, std::string_view what);

// The counts of a transfer, for --json.
nlohmann::json counts_json(const sds::core::maintenance::ContentCounts& counts);

// A number, or null.
nlohmann::json json_or_null(const std::optional<std::uint64_t>& value);

// Writes `value` to stdout, indented, with a final newline.
void print_json(const nlohmann::json& value);

// Reports a failure: one line on stderr ("sdsctl: message; advice"), or with
// --json one object on stdout: {"error": {"code", "exit_code", "message",
// "advice"}}.
void report_error(std::string_view code, int exit_code, std::string_view message,
                  std::string_view advice);

}  // namespace sdsctl
