// raw-rocksdb: RocksDB directly, a checked put (Get, then Put) per call.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "backends/rocksdb/rocksdb_options.hpp"
#include "raw_keys.hpp"
#include "raw_openers.hpp"
#include "raw_uri.hpp"

namespace sds::baselines {
namespace {

rocksdb::Slice to_slice(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}
Bytes to_bytes(const rocksdb::Slice& slice) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(slice.data());
  return Bytes(data, data + slice.size());
}

void check(const rocksdb::Status& status, std::string_view what) {
  if (!status.ok()) {
    throw std::runtime_error("raw rocksdb: " + std::string(what) + ": " + status.ToString());
  }
}

class RawRocksdb final : public workloads::Subject {
 public:
  explicit RawRocksdb(const RawUri& uri) {
    rocksdb::DB* db = nullptr;
    // The backend's own options, so that the ratio shows the core's cost and
    // not a difference of configuration.
    check(rocksdb::DB::Open(backend::rocks::database_options(false), uri.path, &db),
          "opening " + uri.path);
    db_.reset(db);
    // The WAL is always on; only sync=full syncs it per write, as the engine.
    write_options_.sync = uri.sync == SyncMode::full;
  }

  void append_patch(ByteView patch, Clock clock) override {
    const std::string key = patch_key(clock);
    if (!exists(key)) check(db_->Put(write_options_, key, to_slice(patch)), "writing");
  }
  void append_patches(std::span<const ByteView> patches, Clock first_clock) override {
    rocksdb::WriteBatch batch;
    for (const ByteView patch : patches) {
      const std::string key = patch_key(first_clock++);
      if (!exists(key)) check(batch.Put(key, to_slice(patch)), "batching");
    }
    check(db_->Write(write_options_, &batch), "writing");
  }
  void save_snapshot(ByteView snapshot, Clock clock) override {
    rocksdb::WriteBatch batch;
    check(batch.Put(snapshot_clock_key(), encode_clock(clock)), "batching");
    check(batch.Put(snapshot_key(), to_slice(snapshot)), "batching");
    check(db_->Write(write_options_, &batch), "writing");
  }
  std::optional<Bytes> load_snapshot() override { return get(snapshot_key()); }
  std::vector<Bytes> load_patches_since(Clock clock) override {
    const std::string end = patches_end();
    const rocksdb::Slice upper_bound(end);
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &upper_bound;
    const std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options));
    std::vector<Bytes> patches;
    for (it->Seek(patch_key(clock + 1)); it->Valid(); it->Next()) {
      patches.push_back(to_bytes(it->value()));
    }
    check(it->status(), "reading patches");
    return patches;
  }
  void save_value(std::string_view hash, ByteView data) override {
    const std::string key = blob_key(hash);
    if (!exists(key)) check(db_->Put(write_options_, key, to_slice(data)), "writing");
  }
  std::optional<Bytes> load_value(std::string_view hash) override { return get(blob_key(hash)); }
  void release_value(std::string_view hash) override {
    check(db_->Delete(write_options_, blob_key(hash)), "deleting");
  }

 private:
  std::optional<Bytes> get(const std::string& key) {
    rocksdb::PinnableSlice value;
    const rocksdb::Status status = db_->Get({}, db_->DefaultColumnFamily(), key, &value);
    if (status.IsNotFound()) return std::nullopt;
    check(status, "reading");
    return to_bytes(value);
  }
  bool exists(const std::string& key) {
    rocksdb::PinnableSlice value;
    const rocksdb::Status status = db_->Get({}, db_->DefaultColumnFamily(), key, &value);
    if (status.IsNotFound()) return false;
    check(status, "reading");
    return true;
  }

  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_options_;
};

}  // namespace

std::unique_ptr<workloads::Subject> open_raw_rocksdb(std::string_view uri) {
  return std::make_unique<RawRocksdb>(parse_raw_uri(uri));
}

}  // namespace sds::baselines
