// What the core keeps in memory of one store between calls: its interned
// number, its snapshot clock and its accumulated patch bytes, so that
// accumulated_bytes() and checkpoint_due() are O(1).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "sds/kv.hpp"
#include "sds/types.hpp"

namespace sds::core {

struct StoreFigures {
  std::optional<std::uint64_t> number;  // interned store number, once it has one
  std::optional<Clock> snapshot_clock;  // nullopt: no snapshot
  std::uint64_t accumulated = 0;        // patch bytes after the snapshot clock
};

// The bytes of the store's patches with a clock above `snapshot_clock` (all
// of them when nullopt), from the record headers: see load_figures().
std::uint64_t patch_bytes_after(kv::ReadTransaction& txn, std::uint64_t store,
                                std::optional<Clock> snapshot_clock);

// The figures of `store_id` as `txn` sees them. The patch bytes come from the
// record headers, unverified: counting needs no checksum, and a damaged patch
// must not make its store unusable (reading it throws corruption).
StoreFigures load_figures(kv::ReadTransaction& txn, std::string_view store_id,
                          std::string_view where);

// The figures of one store, shared by every Store object of this process with
// that id. Unknown until a write or accumulated_bytes() needs them, so that
// opening a store reads nothing.
class StoreState {
 public:
  StoreState(std::string id, std::string where) : id_(std::move(id)), where_(std::move(where)) {}

  const std::string& id() const { return id_; }
  // "in URI, store 'id'", for messages.
  const std::string& where() const { return where_; }

  std::optional<StoreFigures> get() const {
    std::lock_guard lock(mutex_);
    return figures_;
  }
  // Called with the figures of a committed transaction, in commit order.
  void set(const StoreFigures& figures) {
    std::lock_guard lock(mutex_);
    figures_ = figures;
  }
  // Keeps figures a writer published meanwhile: they are at least as recent.
  StoreFigures set_if_unknown(const StoreFigures& figures) {
    std::lock_guard lock(mutex_);
    if (!figures_) figures_ = figures;
    return *figures_;
  }

 private:
  const std::string id_;
  const std::string where_;
  mutable std::mutex mutex_;
  std::optional<StoreFigures> figures_;
};

}  // namespace sds::core
