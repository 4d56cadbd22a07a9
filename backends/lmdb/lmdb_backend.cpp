#include "backends/lmdb/lmdb_backend.hpp"

#include <fcntl.h>
#include <lmdb.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>

#include "backends/lmdb/map_address.hpp"
#include "backends/lmdb/map_growth.hpp"
#include "core/errors.hpp"
#include "core/size_units.hpp"
#include "core/small_file.hpp"
#include "sds/error.hpp"

namespace sds::backend {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDefaultMapSize = "64MiB";
constexpr const char* kDefaultMaxReaders = "126";  // LMDB's own default
constexpr std::uint64_t kMinMapSize = std::uint64_t{64} << 10;
using lmdb::kMaxMapSize;
// mdb_txn_begin returns MDB_MAP_RESIZED until this process adopts the size
// another process grew the map to; a few rounds settle even a busy race.
constexpr int kMaxResizeRounds = 16;

Errc code_of(int rc) {
  switch (rc) {
    case MDB_MAP_FULL:
    case MDB_TXN_FULL:
    case ENOSPC:
    case EDQUOT:
      return Errc::full;
    case MDB_CORRUPTED:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
    case MDB_PAGE_NOTFOUND:
      return Errc::corruption;
    case MDB_READERS_FULL:
      return Errc::busy;
    case MDB_BAD_VALSIZE:
      return Errc::invalid_argument;
    default:
      return Errc::io_error;
  }
}

// An environment's data.mdb starts with a meta page: a header of the page
// number (a size_t), 8 more bytes, then LMDB's magic number. So a file that
// another word size wrote has the magic where this build does not look for
// it, and LMDB calls it invalid. The word size that wrote it, in bits, when
// that is the case.
std::optional<int> foreign_word_size(const std::string& directory) {
  constexpr std::uint32_t kMagic = 0xBEEFC0DE;
  const std::optional<std::string> head = core::read_small_file(directory + "/data.mdb", 24);
  if (!head || head->size() < 24) return std::nullopt;
  const auto magic_at = [&](std::size_t offset) {
    std::uint32_t value = 0;
    for (int i = 3; i >= 0; --i) {
      value = value << 8 | static_cast<unsigned char>((*head)[offset + i]);  // little-endian
    }
    return value == kMagic;
  };
  constexpr int kOwnBits = sizeof(std::size_t) * 8;
  constexpr int kOtherBits = kOwnBits == 64 ? 32 : 64;
  if (magic_at(kOwnBits / 8 + 8) || !magic_at(kOtherBits / 8 + 8)) return std::nullopt;
  return kOtherBits;
}

MDB_val to_val(std::string_view bytes) { return {bytes.size(), const_cast<char*>(bytes.data())}; }
MDB_val to_val(ByteView bytes) { return {bytes.size(), const_cast<std::uint8_t*>(bytes.data())}; }
std::string_view chars_of(const MDB_val& val) {
  return {static_cast<const char*>(val.mv_data), val.mv_size};
}
ByteView bytes_of(const MDB_val& val) {
  return {static_cast<const std::uint8_t*>(val.mv_data), val.mv_size};
}

std::string param(const BackendConfig& config, const std::string& name, const char* fallback) {
  const auto it = config.params.find(name);
  return it == config.params.end() ? fallback : it->second;
}

class LmdbBackend;

// Where a transaction's pages may lie. LMDB has no page checksums: a damaged
// page can hand out a key or value whose size points past the data file,
// where reading it would crash (SIGSEGV, SIGBUS). What LMDB hands out must lie
// in the pages of the data file or, in a write transaction, anywhere outside
// the map (pages it changed live on the heap until the commit).
struct PageBounds {
  std::uintptr_t map_begin = 0;  // 0: unknown, nothing is checked
  std::uintptr_t map_end = 0;
  std::uintptr_t pages_end = 0;  // after the last page in use
  bool read_only = true;

  bool holds(const MDB_val& val) const {
    if (map_begin == 0) return true;
    const auto at = reinterpret_cast<std::uintptr_t>(val.mv_data);
    if (at < map_begin || at >= map_end) return !read_only;
    return at <= pages_end && val.mv_size <= pages_end - at;
  }
};

// One LMDB transaction, read-only (view) or read-write (update).
class LmdbTransaction final : public kv::WriteTransaction {
 public:
  // `may_run_flat`: the first nested() of this top-level write transaction
  // may run in it, while nothing else touched it (see nested()).
  LmdbTransaction(LmdbBackend& db, MDB_txn* txn, bool read_only, bool may_run_flat = false);

  std::optional<ByteView> get(std::string_view key) override;
  void scan(std::string_view from, std::string_view to, const kv::ScanVisitor& visit) override;
  void put(std::string_view key, ByteView value) override;
  bool insert(std::string_view key, ByteView value) override;
  // MDB_RESERVE, then the parts copied into the place LMDB reserved.
  void put_parts(std::string_view key, std::span<const ByteView> parts) override;
  void erase(std::string_view key) override;
  void erase_range(std::string_view from, std::string_view to) override;
  // An LMDB child transaction; a map-full in it marks this one too. The
  // first call on an untouched top-level transaction runs flat instead: in
  // the transaction itself, which holds nothing to keep when it throws.
  void nested(const std::function<void(kv::WriteTransaction&)>& fn) override;

  // True once a write hit the end of the map: the transaction is dead and
  // update() grows the map and runs it again, whatever `fn` made of the error.
  bool map_full() const { return map_full_; }
  // True once a flat nested() threw: undoing its writes means dropping the
  // whole transaction, so update() runs `fn` again, with child transactions.
  bool undone() const { return undone_; }
  std::uint64_t bytes_written() const { return bytes_written_; }

 private:
  // Positions `cursor` on the first key >= from; MDB_NOTFOUND past the end.
  int seek(MDB_cursor* cursor, std::string_view from, MDB_val& key, MDB_val& value);
  void check_write(int rc, std::string_view what);
  // mdb_put with `flags`; false when MDB_NOOVERWRITE found the key. With
  // MDB_RESERVE, `value` is a size only and LMDB's place for it is returned.
  bool write(std::string_view key, MDB_val& value, unsigned flags);
  // What LMDB handed out, checked against bounds_: Errc::corruption when a
  // damaged page makes it point where no page of the data file lies.
  const MDB_val& checked(const MDB_val& val) const;
  // Called first by every operation: refuses one on an undone transaction
  // (its result would be dropped anyway) and notes that this one was used.
  void touch();

  LmdbBackend& db_;
  MDB_txn* txn_;
  const PageBounds bounds_;
  const bool may_run_flat_;
  bool touched_ = false;
  bool undone_ = false;
  bool map_full_ = false;
  std::uint64_t bytes_written_ = 0;
};

class LmdbBackend final : public kv::Backend {
 public:
  explicit LmdbBackend(const BackendConfig& config);
  ~LmdbBackend() override;

  void view(const std::function<void(kv::ReadTransaction&)>& fn) override;
  void update(const std::function<void(kv::WriteTransaction&)>& fn) override;
  void flush() override;
  std::optional<std::uint64_t> bytes_on_disk() override;
  void compact() override;
  kv::IntegrityCheck check_integrity() override {
    return {false,
            "LMDB 0.9 has no check of its own beyond a full read of every page, which verify "
            "did by reading every record, and of its reader table",
            {}};
  }

  [[noreturn]] void fail(int rc, std::string_view what) const;
  // `rc` of a failed write: ENOSPC for an EIO while the file system holds no
  // free page. LMDB reports a short write, which is how a full disk shows,
  // as EIO.
  int short_write_as_full(int rc) const;
  // Throws corruption when data.mdb is shorter than the pages its meta page
  // counts: cut short, as a power loss under sync=off can leave it. LMDB
  // would map the missing pages, and reading one kills the process (SIGBUS).
  void check_file_length(MDB_env* env) const;
  MDB_dbi dbi() const { return dbi_; }
  // LMDB keys are 1 to this many bytes (511 in the default build).
  std::size_t max_key() const { return max_key_; }
  const std::string& uri() const { return uri_; }
  // The bounds of `txn`'s pages, taken after it began: the newest meta
  // page's last page is at or after the last page of its snapshot.
  PageBounds page_bounds(MDB_txn* txn, bool read_only) const;

 private:
  void open_env(std::uint64_t map_size);
  void close_env();
  // Begins a transaction under a shared `lock` on env_mutex_, adopting a map
  // that another process grew (MDB_MAP_RESIZED).
  MDB_txn* begin(unsigned flags, std::shared_lock<std::shared_mutex>& lock);
  void grow(std::uint64_t bytes_written);
  // Finds where the map of env_ lies and its page size, for page_bounds().
  // Called where the map is made or moved, with no transaction of this
  // process running (env_mutex_ held exclusively, or in the constructor):
  // on opening, after growing the map, after adopting another process's size.
  void locate_map();
  // Sets this process's fcntl() lock on byte 0 of lock.mdb (see compact());
  // false when another process's lock is in the way.
  bool set_process_lock(short type);

  std::string uri_;
  std::string path_;
  bool read_only_;
  SyncMode sync_;
  unsigned max_readers_;
  MDB_env* env_ = nullptr;  // null only after a compaction failed to reopen it
  MDB_dbi dbi_ = 0;
  std::size_t max_key_ = 0;
  int lock_fd_ = -1;
  // One writer at a time in this process, before LMDB's own (cross-process)
  // writer lock, so that map growth never waits for a writer blocked in LMDB.
  std::mutex writer_mutex_;
  // Shared by every running transaction; exclusive to resize or reopen the map,
  // which LMDB allows only while this process has no transaction open.
  std::shared_mutex env_mutex_;
  // Where the map of env_ lies in this process (map_address.hpp), of
  // map_size_ bytes (map_begin_ 0: unknown), and its pages' size: set by
  // locate_map(), read by transactions, under env_mutex_.
  std::uintptr_t map_begin_ = 0;
  std::uint64_t map_size_ = 0;
  std::uint64_t page_size_ = 0;
};

LmdbBackend::LmdbBackend(const BackendConfig& config)
    : uri_(config.uri), path_(config.path), read_only_(config.read_only), sync_(config.sync) {
  const std::uint64_t map_size =
      core::parse_size(param(config, "map_size", kDefaultMapSize), "map_size", config.uri);
  if (map_size < kMinMapSize || map_size > kMaxMapSize) {
    throw Error(Errc::invalid_argument,
                "cannot open " + core::in_quotes(uri_) + ": map_size is out of range",
                "write a map_size from 64KiB to " + std::to_string(kMaxMapSize >> 20) +
                    "MiB (the map grows by itself anyway)");
  }
  max_readers_ = static_cast<unsigned>(core::parse_integer(
      param(config, "max_readers", kDefaultMaxReaders), "max_readers", 1, 65536, config.uri));

  std::error_code error;
  const fs::file_status status = fs::status(path_, error);
  if (fs::exists(status) && !fs::is_directory(status)) {
    throw Error(Errc::corruption,
                "cannot open " + core::in_quotes(uri_) + ": '" +
                    core::keys::printable(path_, core::keys::kWhole) +
                    "' is a file, not an LMDB environment directory",
                "an lmdb: URI names a directory; check the path and the scheme");
  }
  if (read_only_ && !fs::exists(path_ + "/data.mdb", error)) {
    throw Error(Errc::not_found,
                "cannot open " + core::in_quotes(uri_) + " read-only: '" + path_ +
                    "' holds no LMDB environment (no data.mdb)",
                "check the path and the scheme");
  }
  if (!read_only_ && !fs::create_directory(path_, error) && error) {
    throw Error(Errc::io_error,
                "cannot create the directory of " + core::in_quotes(uri_) + ": " + error.message(),
                "check that the parent directory is writable");
  }
  open_env(map_size);
}

LmdbBackend::~LmdbBackend() {
  // A clean close makes sync=off and sync=normal writes durable
  // (docs/DESIGN.md section 9).
  if (env_ && !read_only_ && sync_ != SyncMode::full) mdb_env_sync(env_, 1);
  close_env();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void LmdbBackend::open_env(std::uint64_t map_size) {
  MDB_env* env = nullptr;
  int rc = mdb_env_create(&env);
  if (rc != 0) fail(rc, "creating the environment");
  env_ = env;
  try {
    if ((rc = mdb_env_set_maxreaders(env, max_readers_)) != 0) fail(rc, "setting max_readers");
    if ((rc = mdb_env_set_mapsize(env, map_size)) != 0) fail(rc, "setting map_size");
    // MDB_NOTLS: a read transaction is not tied to the thread that began it.
    unsigned flags = MDB_NOTLS;
    if (read_only_) flags |= MDB_RDONLY;
    // LMDB's documentation decides: MDB_NOMETASYNC keeps the database intact
    // after a system crash (it may undo the last commit), MDB_NOSYNC may not.
    if (sync_ == SyncMode::normal) flags |= MDB_NOMETASYNC;
    if (sync_ == SyncMode::off) flags |= MDB_NOSYNC;
    if ((rc = mdb_env_open(env, path_.c_str(), flags, 0644)) != 0) {
      if (rc == ENOMEM) {
        throw Error(Errc::invalid_argument,
                    "cannot open " + core::in_quotes(uri_) + ": a map of " +
                        std::to_string(map_size) + " bytes does not fit in memory",
                    "lower map_size");
      }
      if (rc == MDB_INVALID) {
        if (const std::optional<int> bits = foreign_word_size(path_)) {
          throw Error(Errc::version,
                      "cannot open '" + uri_ + "': it was written by a " + std::to_string(*bits) +
                          "-bit build, and this build is " +
                          std::to_string(sizeof(std::size_t) * 8) +
                          "-bit; LMDB's files are not portable between word sizes",
                      "move the data with `sdsctl export` where it was written and `sdsctl "
                      "import` here");
        }
      }
      fail(rc, "opening the environment");
    }
    check_file_length(env);
    // Frees the reader slots of processes that died inside a read transaction.
    int dead = 0;
    if ((rc = mdb_reader_check(env, &dead)) != 0 && !read_only_) fail(rc, "clearing stale readers");
    max_key_ = static_cast<std::size_t>(mdb_env_get_maxkeysize(env));
    for (int round = 0;; ++round) {
      MDB_txn* txn = nullptr;
      rc = mdb_txn_begin(env, nullptr, read_only_ ? MDB_RDONLY : 0, &txn);
      if (rc == MDB_MAP_RESIZED && round < kMaxResizeRounds) {
        mdb_env_set_mapsize(env, 0);
        continue;
      }
      if (rc != 0) fail(rc, "beginning a transaction");
      if ((rc = mdb_dbi_open(txn, nullptr, 0, &dbi_)) != 0) {
        mdb_txn_abort(txn);
        fail(rc, "opening the database");
      }
      if ((rc = mdb_txn_commit(txn)) != 0) fail(rc, "opening the database");
      break;
    }
    locate_map();
  } catch (...) {
    close_env();
    throw;
  }
  if (!read_only_ && lock_fd_ < 0) {
    // Kept open until after the environment closes: closing any descriptor of
    // lock.mdb drops every fcntl() lock this process holds on it, LMDB's too.
    lock_fd_ = ::open((path_ + "/lock.mdb").c_str(), O_RDWR | O_CLOEXEC);
  }
}

void LmdbBackend::close_env() {
  if (env_) mdb_env_close(env_);
  env_ = nullptr;
}

[[noreturn]] void LmdbBackend::fail(int rc, std::string_view what) const {
  std::string message = "lmdb: " + std::string(what) + " on " + core::in_quotes(uri_) +
                        " failed: " + mdb_strerror(rc);
  std::string advice;
  switch (code_of(rc)) {
    case Errc::full:
      if (rc == MDB_TXN_FULL) {
        message += " (the transaction changes too many pages at once)";
      } else {
        advice = "free some disk space";
      }
      break;
    case Errc::corruption:
      message += " ('" + core::keys::printable(path_, core::keys::kWhole) +
                 "' is damaged or not an LMDB environment)";
      advice = "check the path; if it is damaged, restore it from a backup";
      break;
    case Errc::busy:
      message +=
          " (more than max_readers=" + std::to_string(max_readers_) + " read transactions at once)";
      advice = "raise max_readers";
      break;
    default:
      break;
  }
  throw Error(code_of(rc), message, advice);
}

void LmdbBackend::check_file_length(MDB_env* env) const {
  MDB_envinfo info{};
  MDB_stat stat{};
  if (mdb_env_info(env, &info) != 0 || mdb_env_stat(env, &stat) != 0) return;
  // The meta page first, the file's length after: another process's commit
  // writes its pages before its meta page, so a file measured after the meta
  // was read holds every page that meta counts. The other order saw a commit's
  // meta without its pages (several processes at once, under qemu).
  std::error_code error;
  const std::uint64_t size = std::filesystem::file_size(path_ + "/data.mdb", error);
  if (error) return;
  const std::uint64_t pages = static_cast<std::uint64_t>(info.me_last_pgno) + 1;
  if (size >= pages * stat.ms_psize) return;
  throw Error(Errc::corruption,
              "cannot open " + core::in_quotes(uri_) + ": its data.mdb holds " +
                  std::to_string(size) + " bytes, and its meta page counts " +
                  std::to_string(pages) + " pages of " + std::to_string(stat.ms_psize) +
                  " bytes: the file was cut short (a power loss under sync=off can do that)",
              "restore it from a backup, or salvage what is readable with `mdb_dump` and "
              "`mdb_load`");
}

int LmdbBackend::short_write_as_full(int rc) const {
  struct statvfs space {};
  if (rc == EIO && ::statvfs(path_.c_str(), &space) == 0 &&
      static_cast<std::uint64_t>(space.f_bavail) * space.f_frsize <
          static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE))) {
    return ENOSPC;
  }
  return rc;
}

MDB_txn* LmdbBackend::begin(unsigned flags, std::shared_lock<std::shared_mutex>& lock) {
  for (int round = 0;; ++round) {
    lock = std::shared_lock(env_mutex_);
    if (!env_) {
      throw Error(Errc::io_error,
                  "lmdb: " + core::in_quotes(uri_) + " could not be reopened after a compaction",
                  "close it and open it again");
    }
    MDB_txn* txn = nullptr;
    const int rc = mdb_txn_begin(env_, nullptr, flags, &txn);
    if (rc == 0) return txn;
    // Every reader slot taken: the open's check freed those of processes that
    // had died by then; those that died since (killed inside a read
    // transaction) are freed here, and the transaction begins again.
    int dead = 0;
    const bool freed = rc == MDB_READERS_FULL && round < kMaxResizeRounds &&
                       mdb_reader_check(env_, &dead) == 0 && dead > 0;
    lock.unlock();
    if (freed) continue;
    if (rc != MDB_MAP_RESIZED || round == kMaxResizeRounds) fail(rc, "beginning a transaction");
    std::unique_lock resize(env_mutex_);
    if (!env_) continue;  // a compaction failed meanwhile: the next round says so
    if (const int resized = mdb_env_set_mapsize(env_, 0); resized != 0) {
      fail(resized, "adopting the map size another process set");
    }
    locate_map();
  }
}

void LmdbBackend::view(const std::function<void(kv::ReadTransaction&)>& fn) {
  std::shared_lock<std::shared_mutex> lock;
  struct AbortOnExit {
    MDB_txn* txn;
    ~AbortOnExit() { mdb_txn_abort(txn); }
  } txn{begin(MDB_RDONLY, lock)};
  LmdbTransaction transaction(*this, txn.txn, true);
  fn(transaction);
}

void LmdbBackend::update(const std::function<void(kv::WriteTransaction&)>& fn) {
  if (read_only_) {
    throw Error(Errc::unsupported,
                "cannot write to " + core::in_quotes(uri_) + ": it is open read-only",
                "open it for writing");
  }
  std::lock_guard writer(writer_mutex_);
  // Off once a flat nested() threw: the run after that nests for real.
  bool may_run_flat = true;
  for (;;) {
    std::shared_lock<std::shared_mutex> lock;
    MDB_txn* txn = begin(0, lock);
    LmdbTransaction transaction(*this, txn, false, may_run_flat);
    const auto runs_again = [&] { return transaction.map_full() || transaction.undone(); };
    try {
      fn(transaction);
    } catch (...) {
      mdb_txn_abort(txn);
      if (!runs_again()) throw;
      txn = nullptr;
    }
    if (txn && runs_again()) {  // `fn` swallowed the error
      mdb_txn_abort(txn);
      txn = nullptr;
    }
    if (txn) {
      const int rc = mdb_txn_commit(txn);  // frees txn, committed or not
      if (rc == 0) return;
      if (rc != MDB_MAP_FULL) fail(short_write_as_full(rc), "committing");
    } else if (!transaction.map_full()) {
      may_run_flat = false;
      continue;
    }
    lock.unlock();
    grow(transaction.bytes_written());
  }
}

// Called with no transaction of this process open, after a write ran out of
// map: doubles the map, or more for a transaction larger than the map.
void LmdbBackend::grow(std::uint64_t bytes_written) {
  std::unique_lock lock(env_mutex_);
  MDB_envinfo info;
  mdb_env_info(env_, &info);
  const std::uint64_t current = info.me_mapsize;
  const std::optional<std::uint64_t> target = lmdb::grown_map_size(current, bytes_written);
  if (!target) {
    throw Error(Errc::full,
                "lmdb: the map of " + core::in_quotes(uri_) + " is full at " +
                    std::to_string(current >> 20) + "MiB, the most this " +
                    std::to_string(sizeof(std::size_t) * 8) + "-bit build maps",
                "delete data (prune, release, drop a store), or move the data to a backend "
                "without this limit");
  }
  if (const int rc = mdb_env_set_mapsize(env_, *target); rc != 0) {
    throw Error(Errc::full,
                "lmdb: the map of " + core::in_quotes(uri_) + " is full at " +
                    std::to_string(current >> 20) + "MiB and cannot grow to " +
                    std::to_string(*target >> 20) + "MiB: " + mdb_strerror(rc),
                "free disk or address space, or move the data to a backend without this limit");
  }
  locate_map();
}

void LmdbBackend::locate_map() {
  MDB_envinfo info;
  MDB_stat stat;
  map_begin_ = 0;
  if (mdb_env_info(env_, &info) != 0 || mdb_env_stat(env_, &stat) != 0) return;
  map_size_ = info.me_mapsize;
  page_size_ = stat.ms_psize;
  map_begin_ = lmdb::mapping_of(path_ + "/data.mdb", map_size_).value_or(0);
}

void LmdbBackend::flush() {
  if (read_only_) return;
  std::shared_lock lock(env_mutex_);
  if (!env_) return;
  if (const int rc = mdb_env_sync(env_, 1); rc != 0) fail(rc, "flushing");
}

std::optional<std::uint64_t> LmdbBackend::bytes_on_disk() {
  std::error_code error;
  const auto size = fs::file_size(path_ + "/data.mdb", error);
  if (error) return std::nullopt;
  return size;
}

bool LmdbBackend::set_process_lock(short type) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = 0;
  lock.l_len = 1;
  int rc;
  while ((rc = fcntl(lock_fd_, F_SETLK, &lock)) != 0 && errno == EINTR) {
  }
  return rc == 0;
}

// Copies the live data into data.mdb.compact, then swaps it in for data.mdb.
// That is safe only while no other process has the environment open. LMDB
// holds a shared fcntl() lock on byte 0 of lock.mdb in every process that has
// it open, and an opener first tries an exclusive one, then waits for a shared
// one. So this process's exclusive lock there proves that it is alone and
// holds back any new opener until the reopen below shares the lock again.
void LmdbBackend::compact() {
  if (read_only_) {
    throw Error(Errc::unsupported,
                "cannot compact " + core::in_quotes(uri_) + ": it is open read-only",
                "open it for writing");
  }
  // The writer lock keeps this process's writers out; readers go on during the
  // copy and wait only for the swap.
  std::lock_guard writer(writer_mutex_);
  std::shared_lock copying(env_mutex_);
  const auto busy = [&](const std::string& why) {
    return Error(Errc::busy, "cannot compact " + core::in_quotes(uri_) + ": " + why,
                 "compact when no other process has it open");
  };
  if (!env_ || lock_fd_ < 0) {
    throw Error(Errc::io_error,
                "cannot compact " + core::in_quotes(uri_) +
                    ": its environment or lock.mdb could not be opened",
                "close it and open it again");
  }
  if (!set_process_lock(F_WRLCK)) throw busy("another process has it open");
  const std::string data = path_ + "/data.mdb";
  const std::string copy = data + ".compact";
  const int fd = ::open(copy.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int rc = fd < 0 ? errno : mdb_env_copyfd2(env_, fd, MDB_CP_COMPACT);
  if (rc == 0 && ::fsync(fd) != 0) rc = errno;
  if (fd >= 0) ::close(fd);
  if (rc != 0) {
    ::unlink(copy.c_str());
    set_process_lock(F_RDLCK);
    fail(short_write_as_full(rc), "compacting (writing a compacted copy)");
  }
  copying.unlock();
  std::unique_lock swapping(env_mutex_);
  MDB_envinfo info;
  mdb_env_info(env_, &info);
  close_env();  // drops this process's locks on lock.mdb: take the lock again
  const bool alone = set_process_lock(F_WRLCK);
  if (!alone) ::unlink(copy.c_str());
  if (alone && ::rename(copy.c_str(), data.c_str()) != 0) {
    rc = errno;
    ::unlink(copy.c_str());
  }
  if (alone && rc == 0) {
    if (const int dir = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
  }
  // LMDB's open takes the exclusive lock, then shares it, letting openers in.
  try {
    open_env(info.me_mapsize);
  } catch (...) {
    set_process_lock(F_UNLCK);
    throw;
  }
  if (!alone) throw busy("another process opened it during the compaction");
  if (rc != 0) fail(rc, "compacting (replacing data.mdb)");
}

void LmdbTransaction::touch() {
  if (undone_) {
    throw Error(Errc::io_error, "lmdb: this transaction on " + core::in_quotes(db_.uri()) +
                                    " is dropped and runs again (a nested call failed)");
  }
  touched_ = true;
}

// The group commit runs a lone write in nested(), and each write of a group
// in which one failed. An LMDB 0.9 child transaction allocates 3 MiB at its
// begin (its dirty list and free list), which made a 1 MiB blob save take 3
// times the CPU time (docs/DESIGN.md section 11.9). On a transaction that
// nothing touched yet, the call's writes are the only ones: it runs in the
// transaction itself, and when it throws, the transaction is dropped and
// run again.
void LmdbTransaction::nested(const std::function<void(kv::WriteTransaction&)>& fn) {
  const bool flat = may_run_flat_ && !touched_;
  touch();
  if (flat) {
    try {
      fn(*this);
    } catch (...) {
      if (!map_full_) undone_ = true;  // a full map reruns the whole anyway
      throw;
    }
    return;
  }
  MDB_txn* child = nullptr;
  if (const int rc = mdb_txn_begin(mdb_txn_env(txn_), txn_, 0, &child); rc != 0) {
    check_write(rc, "beginning a nested transaction");
  }
  LmdbTransaction inner(db_, child, false);
  try {
    fn(inner);
  } catch (...) {
    mdb_txn_abort(child);
    map_full_ = map_full_ || inner.map_full_;
    bytes_written_ += inner.bytes_written_;
    throw;
  }
  map_full_ = map_full_ || inner.map_full_;
  bytes_written_ += inner.bytes_written_;
  if (map_full_) {  // `fn` swallowed the error: the whole transaction reruns
    mdb_txn_abort(child);
    return;
  }
  if (const int rc = mdb_txn_commit(child); rc != 0) check_write(rc, "ending a nested transaction");
}

std::optional<ByteView> LmdbTransaction::get(std::string_view key) {
  touch();
  if (key.empty() || key.size() > db_.max_key()) return std::nullopt;  // cannot be stored
  MDB_val k = to_val(key), value{};
  const int rc = mdb_get(txn_, db_.dbi(), &k, &value);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  if (rc != 0) db_.fail(rc, "reading");
  return bytes_of(checked(value));
}

LmdbTransaction::LmdbTransaction(LmdbBackend& db, MDB_txn* txn, bool read_only, bool may_run_flat)
    : db_(db), txn_(txn), bounds_(db.page_bounds(txn, read_only)), may_run_flat_(may_run_flat) {}

PageBounds LmdbBackend::page_bounds(MDB_txn* txn, bool read_only) const {
  PageBounds bounds;
  bounds.read_only = read_only;
  MDB_envinfo info;
  if (map_begin_ == 0 || mdb_env_info(mdb_txn_env(txn), &info) != 0) return bounds;
  bounds.map_begin = map_begin_;
  // Only the calls that locate_map() follows change the size of the map;
  // should LMDB ever change it on its own, the map is found again here.
  if (info.me_mapsize != map_size_) {
    bounds.map_begin = lmdb::mapping_of(path_ + "/data.mdb", info.me_mapsize).value_or(0);
    if (bounds.map_begin == 0) return bounds;
  }
  bounds.map_end = bounds.map_begin + info.me_mapsize;
  const std::uint64_t pages = static_cast<std::uint64_t>(info.me_last_pgno) + 1;
  bounds.pages_end =
      bounds.map_begin + std::min<std::uint64_t>(pages * page_size_, info.me_mapsize);
  return bounds;
}

const MDB_val& LmdbTransaction::checked(const MDB_val& val) const {
  if (!bounds_.holds(val)) db_.fail(MDB_CORRUPTED, "reading a key or value outside the data file");
  return val;
}

// A cursor of this transaction, closed on every way out of its scope.
class Cursor {
 public:
  Cursor(MDB_txn* txn, const LmdbBackend& db) {
    if (const int rc = mdb_cursor_open(txn, db.dbi(), &cursor_); rc != 0) {
      db.fail(rc, "opening a cursor");
    }
  }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  ~Cursor() { mdb_cursor_close(cursor_); }
  MDB_cursor* get() const { return cursor_; }

 private:
  MDB_cursor* cursor_ = nullptr;
};

int LmdbTransaction::seek(MDB_cursor* cursor, std::string_view from, MDB_val& key, MDB_val& value) {
  if (from.empty()) return mdb_cursor_get(cursor, &key, &value, MDB_FIRST);
  // LMDB refuses to seek to a key longer than it stores; every stored key
  // >= its prefix but < from is that prefix itself, skipped here.
  key = to_val(from.substr(0, db_.max_key()));
  int rc = mdb_cursor_get(cursor, &key, &value, MDB_SET_RANGE);
  while (rc == 0 && chars_of(checked(key)) < from) {
    rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT);
  }
  return rc;
}

void LmdbTransaction::scan(std::string_view from, std::string_view to,
                           const kv::ScanVisitor& visit) {
  touch();
  Cursor cursor(txn_, db_);
  MDB_val key{}, value{};
  int rc = seek(cursor.get(), from, key, value);
  for (; rc == 0; rc = mdb_cursor_get(cursor.get(), &key, &value, MDB_NEXT)) {
    const std::string_view k = chars_of(checked(key));
    if (!to.empty() && k >= to) return;
    if (!visit(k, bytes_of(checked(value)))) return;
  }
  if (rc != MDB_NOTFOUND) db_.fail(rc, "scanning");
}

void LmdbTransaction::check_write(int rc, std::string_view what) {
  if (rc == 0) return;
  if (rc == MDB_MAP_FULL) {
    map_full_ = true;
    throw Error(Errc::full, "lmdb: the map of " + core::in_quotes(db_.uri()) +
                                " is full (it grows and retries)");
  }
  db_.fail(rc, what);
}

void LmdbTransaction::put(std::string_view key, ByteView value) {
  MDB_val v = to_val(value);
  write(key, v, 0);
}

bool LmdbTransaction::insert(std::string_view key, ByteView value) {
  MDB_val v = to_val(value);
  return write(key, v, MDB_NOOVERWRITE);
}

void LmdbTransaction::put_parts(std::string_view key, std::span<const ByteView> parts) {
  MDB_val v{0, nullptr};
  for (const ByteView part : parts) v.mv_size += part.size();
  write(key, v, MDB_RESERVE);
  // LMDB's place for the value: a page of this transaction, outside the map.
  auto* at = static_cast<std::uint8_t*>(v.mv_data);
  for (const ByteView part : parts) {
    if (!part.empty()) std::memcpy(at, part.data(), part.size());
    at += part.size();
  }
}

bool LmdbTransaction::write(std::string_view key, MDB_val& value, unsigned flags) {
  touch();
  if (key.empty() || key.size() > db_.max_key()) {
    throw Error(Errc::invalid_argument,
                "lmdb: cannot write a key of " + std::to_string(key.size()) + " bytes to " +
                    core::in_quotes(db_.uri()),
                "LMDB keys are 1 to " + std::to_string(db_.max_key()) + " bytes");
  }
  MDB_val k = to_val(key);
  const std::size_t size = value.mv_size;
  const int rc = mdb_put(txn_, db_.dbi(), &k, &value, flags);
  if (rc == MDB_KEYEXIST) return false;
  bytes_written_ += key.size() + size;  // counted when the map is full, too
  check_write(rc, "writing");
  return true;
}

void LmdbTransaction::erase(std::string_view key) {
  touch();
  if (key.empty() || key.size() > db_.max_key()) return;  // cannot be stored
  MDB_val k = to_val(key);
  const int rc = mdb_del(txn_, db_.dbi(), &k, nullptr);
  if (rc != MDB_NOTFOUND) check_write(rc, "deleting");
}

void LmdbTransaction::erase_range(std::string_view from, std::string_view to) {
  touch();
  Cursor cursor(txn_, db_);
  MDB_val key{}, value{};
  int rc = seek(cursor.get(), from, key, value);
  while (rc == 0 && (to.empty() || chars_of(checked(key)) < to)) {
    check_write(mdb_cursor_del(cursor.get(), 0), "deleting a range");
    // After a delete the cursor already rests on the next key: MDB_NEXT
    // returns that one instead of skipping it.
    rc = mdb_cursor_get(cursor.get(), &key, &value, MDB_NEXT);
  }
  if (rc != 0 && rc != MDB_NOTFOUND) check_write(rc, "deleting a range");
}

std::shared_ptr<kv::Backend> open_lmdb(const BackendConfig& config) {
  return std::make_shared<LmdbBackend>(config);
}

}  // namespace

BackendInfo lmdb_backend() {
  BackendInfo info;
  info.scheme = "lmdb";
  info.description =
      "LMDB environment directory: memory-mapped B+tree, map grows by itself, several processes";
  info.path_kind = PathKind::directory;
  info.capabilities = {
      .persistent = true, .multi_process = true, .compaction = true, .reports_size = true};
  info.params = {
      {"map_size", kDefaultMapSize,
       "initial map size (64KiB or more); the map doubles by itself when full"},
      {"max_readers", kDefaultMaxReaders,
       "read transactions at once over all processes; more is Errc::busy"},
  };
  info.open_kv = open_lmdb;
  return info;
}

}  // namespace sds::backend
