// Reading a key range in bounded batches, each in its own read transaction:
// a store's whole log, or a whole database for sdsctl, is never held in one
// transaction or in memory at once. The one helper for this: the store's
// visit_patches_since() and the maintenance tools both use it.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sds/kv.hpp"

namespace sds::core {

// A batch ends after about this many value bytes or this many entries; one
// larger value makes a batch alone (docs/DESIGN.md section 4.3).
inline constexpr std::size_t kBatchBytes = 4 << 20;
inline constexpr std::size_t kBatchCount = 4096;

// Hands the entries of [from, to) (an empty `to`: no bound) to `take`,
// ascending, until a batch is full. Returns the first key not taken, from
// which the next batch continues, or nullopt when the range is done. The
// views are valid only during `take`.
std::optional<std::string> scan_batch(
    kv::ReadTransaction& txn, std::string_view from, std::string_view to,
    const std::function<void(std::string_view key, ByteView value)>& take);

struct KvEntry {
  std::string key;
  Bytes value;
};

// Hands every entry of [from, to) to `fn` in batches, each read with
// scan_batch() in its own read transaction. `fn` runs outside any
// transaction, so it may read or write the database; it returns false to
// stop. Entries written meanwhile may or may not be seen.
void scan_batches(kv::Backend& db, std::string_view from, std::string_view to,
                  const std::function<bool(std::vector<KvEntry>& batch)>& fn);

}  // namespace sds::core
