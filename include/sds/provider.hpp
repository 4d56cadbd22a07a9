// sds::PersistenceProvider: the interface of the Node package, in C++.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "sds/export.hpp"
#include "sds/types.hpp"

namespace sds {

// Mirrors SDS_PersistenceProvider of @rozek/sds-persistence-node method for
// method. Every method is safe to call from several threads at once; every
// method but close() throws Error(Errc::closed) after close().
class SDS_API PersistenceProvider {
 public:
  virtual ~PersistenceProvider();

  // The last saved snapshot's exact bytes, or nullopt if none was saved.
  virtual std::optional<Bytes> load_snapshot() = 0;
  // Replaces the store's snapshot and its clock. Data over kMaxValueBytes is
  // invalid_argument.
  virtual void save_snapshot(ByteView data, Clock clock = 0) = 0;
  // Every patch with a clock greater than `clock`, ascending by clock.
  virtual std::vector<Bytes> load_patches_since(Clock clock) = 0;
  // Stores `patch` at `clock`. A second append at an existing clock is ignored:
  // the first one wins, and there is no error.
  virtual void append_patch(ByteView patch, Clock clock) = 0;
  // Deletes every patch with a clock less than `before`.
  virtual void prune_patches(Clock before) = 0;
  // The blob stored under `hash`, or nullopt. Blobs are shared by every store
  // of a database. A hash is 1 to kMaxHashBytes bytes, else invalid_argument.
  virtual std::optional<Bytes> load_value(std::string_view hash) = 0;
  // Stores `data` under `hash` with reference count 1, or adds one reference to
  // a blob already stored under `hash` (its data is kept, `data` ignored).
  virtual void save_value(std::string_view hash, ByteView data) = 0;
  // Drops one reference; at zero the blob is gone. An unknown hash is a no-op.
  virtual void release_value(std::string_view hash) = 0;
  // Releases the store. Idempotent; the destructor calls it.
  virtual void close() = 0;
};

}  // namespace sds
