// The key layout (docs/FORMAT.md, "Keys"). Every key starts with a one-byte tag;
// a tag, once used, is never given another meaning.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sds/types.hpp"

namespace sds::core::keys {

inline constexpr char kFormatTag = 'F';     // "F": the format record
inline constexpr char kNextStoreTag = 'N';  // "N": the next store number to hand out
inline constexpr char kInternTag = 'I';     // "I" hash(id): store ids with that hash
inline constexpr char kStoreTag = 'S';      // "S" number ...: one store's records
inline constexpr char kBlobTag = 'B';       // "B" hash: a blob's data
inline constexpr char kRefsTag = 'R';       // "R" hash: a blob's reference count

// Sub-tags after "S" number.
inline constexpr char kMetaSub = 'm';      // snapshot clock and sizes
inline constexpr char kSnapshotSub = 's';  // snapshot data
inline constexpr char kPatchSub = 'p';     // followed by the clock

std::string format();
std::string next_store();
std::string intern(std::string_view store_id);
std::string intern_begin();
std::string intern_end();

std::string store_begin(std::uint64_t store);
std::string store_end(std::uint64_t store);
std::string meta(std::uint64_t store);
std::string snapshot(std::uint64_t store);
std::string patch(std::uint64_t store, Clock clock);
// One past the last patch key of `store`.
std::string patches_end(std::uint64_t store);
// The clock of a key made by patch().
Clock patch_clock(std::string_view key);

std::string blob(std::string_view hash);
std::string blobs_begin();
std::string blobs_end();
std::string refs(std::string_view hash);

// A readable name for a key, for messages ("patch at clock 42 of store #3").
std::string describe(std::string_view key);

// Bytes shown readably in messages: printable ASCII as is, the rest as \xNN,
// cut after 64 bytes.
std::string printable(std::string_view bytes);

}  // namespace sds::core::keys
