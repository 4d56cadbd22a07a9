// Counting what is stored, for stats(): one scan over a key range. The sizes
// come from the record headers, unverified (reads and sdsctl verify check).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sds/kv.hpp"

namespace sds::core {

struct PatchTotals {
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  std::optional<Clock> first;
  std::optional<Clock> last;
};

struct BlobTotals {
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;         // as saved
  std::uint64_t stored_bytes = 0;  // as stored
};

// The patches of `store` with a clock greater than `after` (all when nullopt).
PatchTotals total_patches(kv::ReadTransaction& txn, std::uint64_t store, std::optional<Clock> after,
                          std::string_view where);

BlobTotals total_blobs(kv::ReadTransaction& txn);

}  // namespace sds::core
