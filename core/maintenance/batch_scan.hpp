// Reading a key range in bounded memory: maintenance walks whole databases
// (gigabytes) that must never be loaded at once.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sds/kv.hpp"

namespace sds::core::maintenance {

// About this many value bytes per batch (one larger value makes a batch alone).
inline constexpr std::size_t kBatchBytes = 4 << 20;

struct KvEntry {
  std::string key;
  Bytes value;
};

// Hands every entry with from <= key < to (an empty `to`: no bound) to `fn`,
// ascending, in batches each read in its own read transaction. `fn` runs
// outside any transaction, so it may read or write the database; it returns
// false to stop. Entries written meanwhile may or may not be seen.
void scan_batches(kv::Backend& db, std::string_view from, std::string_view to,
                  const std::function<bool(std::vector<KvEntry>& batch)>& fn);

}  // namespace sds::core::maintenance
