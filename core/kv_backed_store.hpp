// The Store of every key-value backend: the semantics of docs/DESIGN.md
// sections 4 and 6 over the kv trait.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/shared_backend.hpp"
#include "core/shared_backend_handle.hpp"
#include "core/store_options.hpp"
#include "core/store_writes.hpp"
#include "sds/store.hpp"

namespace sds::core {

class KvBackedStore final : public Store {
 public:
  // Reads nothing: the store's figures are loaded when first needed.
  KvBackedStore(std::shared_ptr<SharedBackend> shared, std::string id, StoreOptions options);
  ~KvBackedStore() override;

  std::optional<Bytes> load_snapshot() override;
  void save_snapshot(ByteView data, Clock clock) override;
  std::vector<Bytes> load_patches_since(Clock clock) override;
  void append_patch(ByteView patch, Clock clock) override;
  void prune_patches(Clock before) override;
  std::optional<Bytes> load_value(std::string_view hash) override;
  void save_value(std::string_view hash, ByteView data) override;
  void release_value(std::string_view hash) override;
  void close() override;

  const std::string& id() const override { return id_; }
  std::uint64_t accumulated_bytes() const override;
  bool checkpoint_due() const override;
  void checkpoint(ByteView snapshot, Clock clock) override;
  std::optional<Clock> snapshot_clock() override;
  void visit_patches_since(Clock clock, const PatchVisitor& visit) override;
  bool retain_value(std::string_view hash) override;
  void write(const WriteBatch& batch) override;
  void flush() override;
  StoreStats stats(StatsScope scope = StatsScope::with_blobs) override;

 private:
  // Runs `fn` on this store's writes in one group-committed transaction.
  void commit_writes(const std::function<void(StoreWrites&)>& fn);
  // Runs `fn` in a read transaction with this store's number, if it has one.
  void read(const std::function<void(kv::ReadTransaction&, std::optional<std::uint64_t>)>& fn);
  void check_writable() const;
  // compress() with the store's settings; out of memory is Errc::full.
  Encoded encode(ByteView data) const;
  // Whether a blob is stored under `hash` now (it may change before a write).
  bool blob_exists(std::string_view hash);

  SharedBackendHandle handle_;
  std::shared_ptr<StoreState> state_;
  std::string id_;
  std::string where_;  // "in URI, store 'id'", for messages
  StoreOptions options_;
};

}  // namespace sds::core
