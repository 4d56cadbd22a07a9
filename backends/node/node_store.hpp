// sds::Store over the Node package's layout: its statements for the calls it
// has, the extras of sds::Store (checkpoint, figures, streamed reads, batches,
// stats) over the same tables.
#pragma once

#include <memory>
#include <shared_mutex>
#include <string>

#include "backends/node/node_file.hpp"
#include "sds/store.hpp"

namespace sds::backend::node {

// The patches of one store after a clock, read in bounded batches, each in a
// read transaction of its own. `after` is a signed clock so that the first
// batch can include clock 0. Returns false when the visitor stopped.
bool visit_patches(NodeFile& file, std::string_view store_id, std::int64_t after,
                   const PatchVisitor& visit);

class NodeStore final : public Store {
 public:
  NodeStore(std::shared_ptr<NodeFile> file, std::string id, std::uint64_t checkpoint_bytes);
  ~NodeStore() override;

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
  // The open file; Errc::closed after close().
  std::shared_ptr<NodeFile> file() const;
  // The open file, refusing a read-only open (Errc::unsupported).
  std::shared_ptr<NodeFile> writable_file() const;
  void check_text(std::string_view hash) const;

  mutable std::shared_mutex mutex_;
  std::shared_ptr<NodeFile> file_;
  const std::string id_;
  const std::string where_;
  const std::uint64_t checkpoint_bytes_;
};

}  // namespace sds::backend::node
