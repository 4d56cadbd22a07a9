// Where LMDB mapped a data file in this process. LMDB 0.9 does not say
// (MDB_envinfo::me_mapaddr is set only for MDB_FIXEDMAP), and the backend
// needs it to tell whether a key or value LMDB hands out lies in the file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sds::backend::lmdb {

// The address of this process's mapping of `file` from its first byte, of
// `size` bytes, from /proc/self/maps; nullopt where that cannot be told.
std::optional<std::uintptr_t> mapping_of(const std::string& file, std::uint64_t size);

}  // namespace sds::backend::lmdb
