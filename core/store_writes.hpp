// The writes of one store inside a write transaction: what the Store's write
// methods and a WriteBatch's operations do, defined once.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/record.hpp"
#include "core/store_figures.hpp"
#include "sds/kv.hpp"

namespace sds::core {

class StoreWrites {
 public:
  // `figures` are the store's as `txn` sees them; every write keeps them true.
  StoreWrites(kv::WriteTransaction& txn, StoreFigures& figures, std::string_view store_id,
              std::string_view where)
      : txn_(txn), figures_(figures), store_id_(store_id), where_(where) {}

  // The first append at a clock wins; later ones are ignored.
  void append_patch(ByteView patch, Clock clock);
  // `snapshot` is the caller's data compressed (compress() needs no lock, so it
  // runs before the transaction). A save equal to the stored snapshot (same
  // clock, same bytes) writes nothing. As a checkpoint, refuses a clock below
  // the stored snapshot's and prunes the patches below `clock`.
  void save_snapshot(const Encoded& snapshot, Clock clock, bool as_checkpoint);
  void prune_patches(Clock before);

  // Blobs belong to the database. save_value() adds a reference or stores the
  // blob with one; `encoded` is the compressed data, computed here on demand
  // when the caller did not expect to need it.
  void save_value(std::string_view hash, ByteView data, std::optional<Encoded>& encoded,
                  const Compression& compression);
  // Adds a reference to a stored blob; false (and nothing written) if none.
  bool retain_value(std::string_view hash);
  void release_value(std::string_view hash);

 private:
  // The store's number, interned on its first write.
  std::uint64_t number();

  kv::WriteTransaction& txn_;
  StoreFigures& figures_;
  std::string_view store_id_;
  std::string_view where_;
};

// The reference count of a blob, or nullopt when none is stored.
std::optional<std::int64_t> read_ref_count(kv::ReadTransaction& txn, std::string_view hash,
                                           std::string_view where);

}  // namespace sds::core
