// Reading a small file whole, with POSIX calls: no iostreams, whose locale
// machinery would add a few hundred KB to every static binary of the library.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace sds::core {

// The first `limit` bytes of the file at `path`, or nullopt when it cannot be
// opened or read.
std::optional<std::string> read_small_file(const std::string& path, std::size_t limit = 4096);

}  // namespace sds::core
