// Where LMDB mapped a data file in this process. LMDB 0.9 does not say
// (MDB_envinfo::me_mapaddr is set only for MDB_FIXEDMAP), and the backend
// needs it to tell whether a key or value LMDB hands out lies in the file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sds::backend::lmdb {

// The address of this process's mapping of `file` from its first byte, of
// `size` bytes, from /proc/self/maps; nullopt where that cannot be told.
std::optional<std::uintptr_t> mapping_of(const std::string& file, std::uint64_t size);

// The numbers of one line of /proc/self/maps, "start-end perms offset
// major:minor inode [path]" (all in hex but the inode); nullopt for a line
// of another shape.
struct MapsLine {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  std::uint64_t offset = 0;
  unsigned major = 0;
  unsigned minor = 0;
  std::uint64_t inode = 0;
};
std::optional<MapsLine> parse_maps_line(std::string_view line);

}  // namespace sds::backend::lmdb
