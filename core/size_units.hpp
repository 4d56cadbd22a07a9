// Sizes in URI parameters: a whole number with an optional unit (64MiB, 512KiB).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sds::core {

// Parses "4096", "64KiB", "64MiB", "1GiB", "2TiB" (powers of 1024) or "64kB",
// "64MB", "1GB", "2TB" (powers of 1000); "B" is allowed. Throws
// Errc::invalid_argument naming `uri` and `param` for anything else or an
// overflow.
std::uint64_t parse_size(std::string_view text, std::string_view param, std::string_view uri);

// The inverse of parse_size() for messages and defaults: the largest binary
// unit that divides `bytes` exactly ("512KiB", "64MiB"), else plain bytes.
std::string format_size(std::uint64_t bytes);

// Parses a whole number in [min, max]; invalid_argument naming `uri` and
// `param` otherwise.
std::int64_t parse_integer(std::string_view text, std::string_view param, std::int64_t min,
                           std::int64_t max, std::string_view uri);

}  // namespace sds::core
