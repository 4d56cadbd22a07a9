// The Store of every key-value backend: the semantics of docs/DESIGN.md
// sections 4 and 6 over the kv trait.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/shared_backend.hpp"
#include "core/shared_backend_handle.hpp"
#include "core/store_options.hpp"
#include "sds/store.hpp"

namespace sds::core {

class KvBackedStore final : public Store {
 public:
  // Loads the store's figures unless another Store of this process has.
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
  void flush() override;
  StoreStats stats() override;

 private:
  // Runs `fn` in one write transaction with this store's number (interned if
  // new) and its figures, under the SharedBackend's write lock; `fn` updates the
  // figures, which are kept only if the transaction commits.
  void write(const std::function<void(kv::WriteTransaction&, std::uint64_t, StoreFigures&)>& fn);
  // Runs `fn` in a read transaction with this store's number, if it has one.
  void read(const std::function<void(kv::ReadTransaction&, std::optional<std::uint64_t>)>& fn);
  void write_snapshot(ByteView data, Clock clock, bool as_checkpoint);
  void check_writable() const;
  // Adds a reference to a stored blob; false if there is none.
  bool add_reference(SharedBackend& shared, std::string_view hash);

  SharedBackendHandle handle_;
  std::shared_ptr<StoreState> state_;
  std::string id_;
  std::string where_;  // "in URI, store 'id'", for messages
  StoreOptions options_;
};

}  // namespace sds::core
