#include "backends/rocksdb/rocksdb_backend.hpp"

#include <rocksdb/db.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "backends/rocksdb/rocksdb_open.hpp"
#include "backends/rocksdb/rocksdb_transactions.hpp"
#include "core/errors.hpp"
#include "sds/error.hpp"

namespace sds::backend {
namespace {

namespace fs = std::filesystem;
using rocks::fail;

// Range tombstones slow every read that starts below them until a compaction
// drops them (and the keys they cover) at the bottom level: the pruned ranges
// are compacted once this many range deletions have been committed.
constexpr int kRangeDeletionsPerCompaction = 16;
// When the compaction falls this far behind (a slow disk), a writer that
// prunes waits for it, so that reads stay bounded however fast writes come.
constexpr int kMaxUncompactedRangeDeletions = 2 * kRangeDeletionsPerCompaction;

// A write batch keeps its memory for the next update up to this size.
constexpr std::size_t kKeptBatchBytes = std::size_t{1} << 20;

// Whether `path` may be opened: refuses a file, and a directory of other files
// that RocksDB would otherwise add its own to.
void check_directory(const std::string& path, const std::string& uri, bool read_only) {
  std::error_code error;
  if (!fs::exists(path, error)) return;
  if (!fs::is_directory(path, error)) {
    throw Error(Errc::corruption,
                "cannot open " + core::in_quotes(uri) + ": '" +
                    core::keys::printable(path, core::keys::kWhole) +
                    "' is a file, not a RocksDB database directory",
                "a rocksdb: URI names a directory; check the path and the scheme");
  }
  if (fs::exists(path + "/CURRENT", error)) return;
  if (read_only) {
    throw Error(Errc::not_found,
                "cannot open " + core::in_quotes(uri) + " read-only: '" +
                    core::keys::printable(path, core::keys::kWhole) + "' holds no RocksDB database",
                "check the path and the scheme");
  }
  bool other_files = false;
  for (const auto& entry : fs::directory_iterator(path, error)) {
    // These come first when RocksDB creates a database: a crash interrupted it.
    const std::string name = entry.path().filename().string();
    if (name == "IDENTITY" || name == "LOCK" || name.starts_with("LOG")) return;
    other_files = true;
  }
  if (other_files) {
    throw Error(Errc::corruption,
                "cannot open " + core::in_quotes(uri) + ": directory '" +
                    core::keys::printable(path, core::keys::kWhole) +
                    "' holds other files and no RocksDB database, left untouched",
                "name an empty or new directory");
  }
}

// The databases this process has open for writing, by canonical path. RocksDB
// tells a second open of one apart only in the text of its message, so the
// backend keeps its own list. Entries of a parent process do not count in a
// forked child, which inherits none of its parent's locks.
class WritersOfThisProcess {
 public:
  static WritersOfThisProcess& instance() {
    static WritersOfThisProcess writers;
    return writers;
  }
  // False when `path` is open for writing in this process already.
  bool add(const std::string& path) {
    std::lock_guard lock(mutex_);
    const auto [it, added] = paths_.emplace(path, ::getpid());
    if (added || it->second != ::getpid()) {
      it->second = ::getpid();
      return true;
    }
    return false;
  }
  void remove(const std::string& path) {
    std::lock_guard lock(mutex_);
    paths_.erase(path);
  }

 private:
  std::mutex mutex_;
  std::map<std::string, pid_t> paths_;
};

class RocksdbBackend final : public kv::Backend {
 public:
  explicit RocksdbBackend(const BackendConfig& config);
  ~RocksdbBackend() override;

  void view(const std::function<void(kv::ReadTransaction&)>& fn) override;
  void update(const std::function<void(kv::WriteTransaction&)>& fn) override;
  void flush() override;
  std::optional<std::uint64_t> bytes_on_disk() override;
  void compact() override;
  kv::IntegrityCheck check_integrity() override;

 private:
  // Queues the ranges a committed transaction erased for compaction.
  void note_range_deletions(const std::map<std::string, std::string, std::less<>>& ranges);
  void compact_pruned_ranges();
  void check_writable(std::string_view what) const;
  rocks::Database reading() const;
  // The database open for writing, opened now if this is the first write;
  // the caller holds writer_mutex_ (or is the constructor).
  rocksdb::DB& writable();
  void open_for_writing();
  // Throws io_error once failed_ is set.
  void check_not_failed(std::string_view what) const;

  std::string uri_;
  std::string path_;
  bool read_only_;
  rocksdb::WriteOptions write_options_;
  const rocksdb::ReadOptions read_options_;  // of write transactions
  // The writes of the update under way (writer_mutex_), kept between updates
  // so that its memory is allocated once.
  rocksdb::WriteBatch batch_;
  // Reads go to db_. An open for writing of an existing database reads
  // through a read-only open until its first write, which opens the database
  // for writing (docs/DESIGN.md section 3.8): until then nothing is written
  // or synced, and lock_ keeps other processes out as RocksDB's own lock
  // would. A read holds its own reference, so one under way when that happens
  // ends on the read-only open, which closes after it.
  mutable std::mutex db_mutex_;
  rocks::Database db_;
  std::atomic<rocksdb::DB*> writable_{nullptr};  // db_, once open for writing
  rocks::ProcessLock lock_;
  std::mutex writer_mutex_;  // one write transaction at a time
  // A write, a flush or a compaction failed (an I/O error, a full disk).
  // RocksDB then refuses its WAL, and using it again (syncing the WAL,
  // switching the memtable once more) fails assertions in builds of RocksDB
  // that keep them, Debian's included: abort() instead of an error. So flush()
  // and compact() refuse, the compaction of pruned ranges stops, and the close
  // skips its flushes; the next open recovers what reached the WAL.
  std::atomic<bool> failed_{false};

  // The compaction of pruned ranges runs on a thread of its own, so that the
  // writer whose prune reaches the threshold does not wait for it.
  std::mutex compaction_mutex_;
  std::condition_variable compaction_wanted_;
  std::vector<std::pair<std::string, std::string>> pruned_ranges_;
  int range_deletions_ = 0;  // since the last compaction was asked for
  int uncompacted_ = 0;      // committed and not yet compacted
  bool compaction_due_ = false;
  std::condition_variable compaction_done_;
  std::string compaction_error_;  // reported by the next update()
  std::atomic<bool> stopping_{false};
  std::thread compactor_;
};

RocksdbBackend::RocksdbBackend(const BackendConfig& config)
    : uri_(config.uri), path_(config.path), read_only_(config.read_only) {
  // WAL on in every mode: each write reaches the WAL file before it returns,
  // so a process crash loses nothing; only sync=full fsyncs it per write.
  write_options_.sync = config.sync == SyncMode::full;
  check_directory(path_, uri_, read_only_);
  if (read_only_) {
    rocksdb::Status status;
    db_ = rocks::open_for_reading(path_, status);
    if (!db_) rocks::fail_to_open(status, path_, uri_, /*lock_held=*/false);
    return;
  }
  if (!WritersOfThisProcess::instance().add(path_)) {
    throw Error(Errc::busy,
                "cannot open " + core::in_quotes(uri_) + ": it is open in this process already",
                "share that open, or close it first");
  }
  try {
    std::error_code error;  // a path too long for CURRENT: RocksDB's open says so
    if (fs::exists(path_ + "/CURRENT", error) && lock_.take(path_, uri_)) {
      rocksdb::Status status;
      db_ = rocks::open_for_reading(path_, status);
      if (db_) return;
      // What a read-only open refuses, the open for writing may recover, or
      // says why it cannot.
    }
    open_for_writing();
  } catch (...) {
    lock_.release();
    WritersOfThisProcess::instance().remove(path_);
    throw;
  }
}

RocksdbBackend::~RocksdbBackend() {
  if (compactor_.joinable()) {
    {
      std::lock_guard lock(compaction_mutex_);
      stopping_ = true;  // also cancels a compaction under way
    }
    compaction_wanted_.notify_one();
    compactor_.join();
  }
  // A clean close keeps every write, whatever the sync mode (docs/DESIGN.md
  // section 9). The memtable goes to an SST file too: otherwise the next open
  // replays the whole WAL before it can serve a read.
  if (rocksdb::DB* db = writable_; db && !failed_) {
    rocksdb::FlushOptions flush;
    flush.allow_write_stall = true;
    // A failed flush switched the memtable halfway: the WAL is not to be
    // touched again.
    if (db->Flush(flush).ok()) db->FlushWAL(true).PermitUncheckedError();
  }
  db_.reset();
  lock_.release();  // only now: closing its descriptor drops the process's lock
  if (!read_only_) WritersOfThisProcess::instance().remove(path_);
}

rocks::Database RocksdbBackend::reading() const {
  std::lock_guard lock(db_mutex_);
  return db_;
}

rocksdb::DB& RocksdbBackend::writable() {
  if (rocksdb::DB* db = writable_) return *db;
  open_for_writing();
  return *writable_;
}

void RocksdbBackend::open_for_writing() {
  rocks::Database db;
  try {
    db = rocks::open_for_writing(path_, uri_, lock_.held());
  } catch (...) {
    // RocksDB's failed open unlocked the LOCK file on its way out.
    if (lock_.held() && !lock_.retake()) lock_.release();
    throw;
  }
  writable_ = db.get();
  rocks::Database replaced;  // closes once its last read is done, not under the lock
  {
    std::lock_guard lock(db_mutex_);
    replaced = std::exchange(db_, std::move(db));
  }
  compactor_ = std::thread([this] { compact_pruned_ranges(); });
}

void RocksdbBackend::check_writable(std::string_view what) const {
  if (read_only_) {
    throw Error(
        Errc::unsupported,
        "cannot " + std::string(what) + " " + core::in_quotes(uri_) + ": it is open read-only",
        "open it for writing");
  }
}

void RocksdbBackend::view(const std::function<void(kv::ReadTransaction&)>& fn) {
  const rocks::Database db = reading();
  const rocksdb::Snapshot* snapshot = db->GetSnapshot();
  struct Release {
    rocksdb::DB& db;
    const rocksdb::Snapshot* snapshot;
    ~Release() { db.ReleaseSnapshot(snapshot); }
  } release{*db, snapshot};
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot;
  rocks::ReadTransaction txn(*db, read_options, uri_);
  fn(txn);
}

void RocksdbBackend::update(const std::function<void(kv::WriteTransaction&)>& fn) {
  check_writable("write to");
  std::lock_guard lock(writer_mutex_);
  {
    std::lock_guard compaction_lock(compaction_mutex_);
    if (!compaction_error_.empty()) {
      throw Error(Errc::io_error, std::exchange(compaction_error_, std::string()),
                  "check the disk; this write was not made, the next ones will be tried");
    }
  }
  // Emptied for the next update however this one ends; a large batch (a
  // snapshot) gives its memory back.
  struct Reuse {
    rocksdb::WriteBatch& batch;
    ~Reuse() {
      if (batch.GetDataSize() > kKeptBatchBytes) {
        batch = rocksdb::WriteBatch();
      } else {
        batch.Clear();
      }
    }
  } reuse{batch_};
  rocksdb::DB& db = writable();
  rocks::WriteTransaction txn(db, read_options_, batch_, uri_);
  fn(txn);
  if (txn.empty()) return;
  const rocksdb::Status status = db.Write(write_options_, &batch_);
  if (!status.ok()) {
    failed_ = true;
    fail(status, "committing", uri_);
  }
  if (!txn.erased_ranges().empty()) note_range_deletions(txn.erased_ranges());
}

void RocksdbBackend::note_range_deletions(
    const std::map<std::string, std::string, std::less<>>& ranges) {
  std::unique_lock lock(compaction_mutex_);
  for (const auto& [from, to] : ranges) pruned_ranges_.emplace_back(from, to);
  range_deletions_ += static_cast<int>(ranges.size());
  uncompacted_ += static_cast<int>(ranges.size());
  if (range_deletions_ >= kRangeDeletionsPerCompaction) {
    range_deletions_ = 0;
    compaction_due_ = true;
    compaction_wanted_.notify_one();
  }
  compaction_done_.wait(lock, [this] {
    return uncompacted_ < kMaxUncompactedRangeDeletions || stopping_ || !compaction_error_.empty();
  });
}

void RocksdbBackend::compact_pruned_ranges() {
  std::unique_lock lock(compaction_mutex_);
  for (;;) {
    compaction_wanted_.wait(lock, [this] { return compaction_due_ || stopping_; });
    if (stopping_) return;
    compaction_due_ = false;
    std::vector<std::pair<std::string, std::string>> ranges = std::move(pruned_ranges_);
    pruned_ranges_.clear();
    const int taken = static_cast<int>(ranges.size());
    lock.unlock();
    // Overlapping ranges (one store pruned again and again) become one.
    std::sort(ranges.begin(), ranges.end());
    std::vector<std::pair<std::string, std::string>> merged;
    for (auto& range : ranges) {
      if (!merged.empty() && range.first <= merged.back().second) {
        merged.back().second = std::max(merged.back().second, range.second);
      } else {
        merged.push_back(std::move(range));
      }
    }
    rocksdb::CompactRangeOptions options;
    options.canceled = &stopping_;
    std::string error;
    for (const auto& [from, to] : merged) {
      const rocksdb::Slice begin(from);
      const rocksdb::Slice end(to);
      if (failed_) break;
      const rocksdb::Status status = writable_.load()->CompactRange(options, &begin, &end);
      // Incomplete: cancelled because the database is closing.
      if (!status.ok() && !status.IsIncomplete() && !status.IsShutdownInProgress()) {
        failed_ = true;
        error = "rocksdb: compacting pruned ranges of " + core::in_quotes(uri_) +
                " failed: " + status.ToString();
      }
    }
    lock.lock();
    if (!error.empty()) compaction_error_ = std::move(error);
    uncompacted_ -= taken;
    compaction_done_.notify_all();
  }
}

void RocksdbBackend::check_not_failed(std::string_view what) const {
  if (!failed_) return;
  throw Error(Errc::io_error,
              "cannot " + std::string(what) + " " + core::in_quotes(uri_) +
                  ": an earlier write to it failed, and RocksDB refuses its WAL since",
              "check the disk, then close and reopen the database: the open recovers every "
              "write that reached the WAL");
}

void RocksdbBackend::flush() {
  if (read_only_) return;
  check_not_failed("flush");
  rocksdb::DB* db = writable_;
  if (!db) {
    // Nothing written by this open; the open for writing makes durable
    // whatever an earlier process left in the WAL.
    std::lock_guard lock(writer_mutex_);
    db = &writable();
  }
  const rocksdb::Status status = db->FlushWAL(true);
  if (!status.ok()) {
    failed_ = true;
    fail(status, "flushing the WAL", uri_);
  }
}

std::optional<std::uint64_t> RocksdbBackend::bytes_on_disk() {
  std::uint64_t total = 0;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(path_, error)) {
    // Files may vanish while this runs (a compaction deletes its inputs).
    std::error_code gone;
    if (entry.is_regular_file(gone)) {
      const std::uintmax_t size = entry.file_size(gone);
      if (!gone) total += size;
    }
  }
  if (error) {
    throw Error(Errc::io_error,
                "rocksdb: listing '" + core::keys::printable(path_, core::keys::kWhole) + "' of " +
                    core::in_quotes(uri_) + " failed: " + error.message(),
                "check the directory's permissions");
  }
  return total;
}

void RocksdbBackend::compact() {
  check_writable("compact");
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  options.blob_garbage_collection_policy = rocksdb::BlobGarbageCollectionPolicy::kForce;
  options.blob_garbage_collection_age_cutoff = 1.0;  // every blob file, not the oldest quarter
  check_not_failed("compact");
  rocksdb::DB* db = writable_;
  if (!db) {
    std::lock_guard lock(writer_mutex_);
    db = &writable();
  }
  const rocksdb::Status status = db->CompactRange(options, nullptr, nullptr);
  if (!status.ok()) {
    failed_ = true;
    fail(status, "compacting", uri_);
  }
}

kv::IntegrityCheck RocksdbBackend::check_integrity() {
  kv::IntegrityCheck check{true, "RocksDB checksum verification of every table file", {}};
  const rocksdb::Status status = reading()->VerifyChecksum();
  if (!status.ok()) check.problems.push_back(status.ToString());
  return check;
}

std::shared_ptr<kv::Backend> open_rocksdb(const BackendConfig& config) {
  return std::make_shared<RocksdbBackend>(config);
}

}  // namespace

BackendInfo rocksdb_backend() {
  BackendInfo info;
  info.scheme = "rocksdb";
  info.description =
      "RocksDB directory (an LSM tree for write-heavy stores): WAL, blob files for large "
      "values; one process at a time";
  info.path_kind = PathKind::directory;
  // One process at a time: RocksDB's lock file makes a second one busy.
  info.capabilities = {
      .persistent = true, .multi_process = false, .compaction = true, .reports_size = true};
  info.open_kv = open_rocksdb;
  return info;
}

}  // namespace sds::backend
