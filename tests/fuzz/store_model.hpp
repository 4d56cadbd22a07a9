// The contract of docs/DESIGN.md section 4, as plainly as it can be written:
// what a database holds after each call, for store_ops_fuzzer.cpp to compare
// the engine against. No caching, no layout, no figures kept on the side.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "sds/types.hpp"

namespace sds::fuzz {

struct ModelStore {
  std::optional<std::pair<Bytes, Clock>> snapshot;
  std::map<Clock, Bytes> patches;
  bool listed = false;  // in Database::stores()

  // Section 6.1: the sizes of the patches after the snapshot's clock.
  std::uint64_t accumulated() const {
    std::uint64_t sum = 0;
    for (const auto& [clock, patch] : patches) {
      if (!snapshot || clock > snapshot->second) sum += patch.size();
    }
    return sum;
  }
  // A prune lists no store: one never written stays unlisted (section 4.2).
  void prune(Clock before) { patches.erase(patches.begin(), patches.lower_bound(before)); }
};

struct ModelBlob {
  Bytes data;
  std::int64_t count = 0;
};

struct Model {
  std::map<std::string, ModelStore> stores;
  std::map<std::string, ModelBlob> blobs;

  void append(const std::string& id, ByteView patch, Clock clock) {
    ModelStore& store = stores[id];
    store.patches.try_emplace(clock, patch.begin(), patch.end());  // the first append wins
    store.listed = true;
  }
  void save_snapshot(const std::string& id, ByteView data, Clock clock) {
    ModelStore& store = stores[id];
    store.snapshot.emplace(Bytes(data.begin(), data.end()), clock);
    store.listed = true;
  }
  // False, changing nothing, for a clock below the stored snapshot's.
  bool checkpoint(const std::string& id, ByteView data, Clock clock) {
    ModelStore& store = stores[id];
    if (store.snapshot && store.snapshot->second > clock) return false;
    store.prune(clock);
    save_snapshot(id, data, clock);
    return true;
  }
  void save_value(const std::string& hash, ByteView data) {
    auto [it, added] = blobs.try_emplace(hash);
    if (added) it->second.data.assign(data.begin(), data.end());
    ++it->second.count;
  }
  bool retain_value(const std::string& hash) {
    auto it = blobs.find(hash);
    if (it == blobs.end()) return false;
    ++it->second.count;
    return true;
  }
  void release_value(const std::string& hash) {
    auto it = blobs.find(hash);
    if (it != blobs.end() && --it->second.count <= 0) blobs.erase(it);
  }
  // False for a store not in stores().
  bool drop_store(const std::string& id) {
    auto it = stores.find(id);
    if (it == stores.end() || !it->second.listed) return false;
    stores.erase(it);
    return true;
  }
};

}  // namespace sds::fuzz
