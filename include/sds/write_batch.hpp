// sds::WriteBatch: several writes to one store, applied in one transaction.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "sds/export.hpp"
#include "sds/types.hpp"

namespace sds {

// Collects writes for Store::write(), which applies them in the order they
// were added, in one transaction: all of them or, when one fails, none. One
// commit means one sync, so a batch of appends costs about what one append
// costs: the way to write bursts of patches, and to append quickly where
// every commit syncs (LMDB at sync=normal).
//
// The batch refers to the bytes and hashes it is given without copying them:
// they must stay valid until write() returns. Each method checks its
// arguments as the Store method of the same name does, and throws
// invalid_argument at once for a value over kMaxValueBytes or a bad hash.
class SDS_API WriteBatch {
 public:
  enum class Kind {
    append_patch,
    save_snapshot,
    checkpoint,
    prune_patches,
    save_value,
    release_value
  };

  struct Operation {
    Kind kind;
    Clock clock = 0;        // the patch's or snapshot's clock, or the prune bound
    std::string_view hash;  // save_value and release_value
    ByteView data;          // the patch, snapshot or blob
  };

  void append_patch(ByteView patch, Clock clock);
  void save_snapshot(ByteView data, Clock clock = 0);
  void checkpoint(ByteView snapshot, Clock clock);
  void prune_patches(Clock before);
  void save_value(std::string_view hash, ByteView data);
  void release_value(std::string_view hash);

  const std::vector<Operation>& operations() const noexcept { return operations_; }
  std::size_t size() const noexcept { return operations_.size(); }
  bool empty() const noexcept { return operations_.empty(); }
  void clear() noexcept { operations_.clear(); }

 private:
  std::vector<Operation> operations_;
};

}  // namespace sds
