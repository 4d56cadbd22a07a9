// raw-lmdb: LMDB directly, one write transaction per call.
#include <lmdb.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "raw_keys.hpp"
#include "raw_openers.hpp"
#include "raw_uri.hpp"

namespace sds::baselines {
namespace {

// Large enough for every workload, so the baseline needs no map growth.
constexpr std::size_t kMapSize = std::size_t{1} << 30;

MDB_val to_val(std::string_view bytes) { return {bytes.size(), const_cast<char*>(bytes.data())}; }
MDB_val to_val(ByteView bytes) { return {bytes.size(), const_cast<std::uint8_t*>(bytes.data())}; }
Bytes to_bytes(const MDB_val& val) {
  const auto* data = static_cast<const std::uint8_t*>(val.mv_data);
  return Bytes(data, data + val.mv_size);
}

void check(int rc, std::string_view what) {
  if (rc != MDB_SUCCESS) {
    throw std::runtime_error("raw lmdb: " + std::string(what) + ": " + mdb_strerror(rc));
  }
}

// A transaction aborted unless committed.
class Transaction {
 public:
  Transaction(MDB_env* env, unsigned flags) {
    check(mdb_txn_begin(env, nullptr, flags, &txn_), "begin");
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (txn_) mdb_txn_abort(txn_);
  }
  MDB_txn* get() const { return txn_; }
  void commit() {
    const int rc = mdb_txn_commit(txn_);
    txn_ = nullptr;  // freed, committed or not
    check(rc, "commit");
  }

 private:
  MDB_txn* txn_ = nullptr;
};

class RawLmdb final : public workloads::Subject {
 public:
  explicit RawLmdb(const RawUri& uri) {
    std::filesystem::create_directories(uri.path);
    MDB_env* env = nullptr;
    check(mdb_env_create(&env), "creating the environment");
    env_.reset(env);
    check(mdb_env_set_mapsize(env_.get(), kMapSize), "setting the map size");
    // The engine's flags per sync mode: full = LMDB's default (two syncs per
    // commit), normal = MDB_NOMETASYNC, off = MDB_NOSYNC.
    unsigned flags = MDB_NOTLS;
    if (uri.sync == SyncMode::normal) flags |= MDB_NOMETASYNC;
    if (uri.sync == SyncMode::off) flags |= MDB_NOSYNC;
    check(mdb_env_open(env_.get(), uri.path.c_str(), flags, 0644), "opening " + uri.path);
    Transaction txn(env_.get(), 0);
    check(mdb_dbi_open(txn.get(), nullptr, 0, &dbi_), "opening the database");
    txn.commit();
  }
  // As the engine at a clean close: what sync=normal/off left unsynced is synced.
  ~RawLmdb() override { mdb_env_sync(env_.get(), 1); }

  void append_patch(ByteView patch, Clock clock) override {
    Transaction txn(env_.get(), 0);
    put_new(txn, patch_key(clock), patch);
    txn.commit();
  }
  void append_patches(std::span<const ByteView> patches, Clock first_clock) override {
    Transaction txn(env_.get(), 0);
    for (const ByteView patch : patches) put_new(txn, patch_key(first_clock++), patch);
    txn.commit();
  }
  void save_snapshot(ByteView snapshot, Clock clock) override {
    Transaction txn(env_.get(), 0);
    put(txn, snapshot_clock_key(), as_bytes(encode_clock(clock)), 0);
    put(txn, snapshot_key(), snapshot, 0);
    txn.commit();
  }
  std::optional<Bytes> load_snapshot() override { return get(snapshot_key()); }
  std::vector<Bytes> load_patches_since(Clock clock) override {
    Transaction txn(env_.get(), MDB_RDONLY);
    MDB_cursor* cursor = nullptr;
    check(mdb_cursor_open(txn.get(), dbi_, &cursor), "opening a cursor");
    const std::string from = patch_key(clock + 1);
    const std::string end = patches_end();
    std::vector<Bytes> patches;
    MDB_val key = to_val(from);
    MDB_val value;
    int rc = mdb_cursor_get(cursor, &key, &value, MDB_SET_RANGE);
    while (rc == MDB_SUCCESS &&
           std::string_view(static_cast<const char*>(key.mv_data), key.mv_size) < end) {
      patches.push_back(to_bytes(value));
      rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT);
    }
    mdb_cursor_close(cursor);
    if (rc != MDB_NOTFOUND) check(rc, "reading patches");
    return patches;
  }
  void save_value(std::string_view hash, ByteView data) override {
    Transaction txn(env_.get(), 0);
    put_new(txn, blob_key(hash), data);
    txn.commit();
  }
  std::optional<Bytes> load_value(std::string_view hash) override { return get(blob_key(hash)); }
  void release_value(std::string_view hash) override {
    Transaction txn(env_.get(), 0);
    MDB_val key = to_val(blob_key(hash));
    const int rc = mdb_del(txn.get(), dbi_, &key, nullptr);
    if (rc != MDB_NOTFOUND) check(rc, "deleting");
    txn.commit();
  }

 private:
  void put(Transaction& txn, std::string_view key, ByteView value, unsigned flags) {
    MDB_val k = to_val(key);
    MDB_val v = to_val(value);
    const int rc = mdb_put(txn.get(), dbi_, &k, &v, flags);
    if (rc != MDB_KEYEXIST) check(rc, "writing");
  }
  // The first value at a key wins: a repeat is ignored, not an error.
  void put_new(Transaction& txn, std::string_view key, ByteView value) {
    put(txn, key, value, MDB_NOOVERWRITE);
  }
  std::optional<Bytes> get(std::string_view key) {
    Transaction txn(env_.get(), MDB_RDONLY);
    MDB_val k = to_val(key);
    MDB_val value;
    const int rc = mdb_get(txn.get(), dbi_, &k, &value);
    if (rc == MDB_NOTFOUND) return std::nullopt;
    check(rc, "reading");
    return to_bytes(value);
  }

  std::unique_ptr<MDB_env, decltype(&mdb_env_close)> env_{nullptr, &mdb_env_close};
  MDB_dbi dbi_ = 0;
};

}  // namespace

std::unique_ptr<workloads::Subject> open_raw_lmdb(std::string_view uri) {
  return std::make_unique<RawLmdb>(parse_raw_uri(uri));
}

}  // namespace sds::baselines
