#include "backends/sqlite/sqlite_backend.hpp"

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backends/sqlite/checkpointer.hpp"
#include "backends/sqlite/connection.hpp"
#include "backends/sqlite/kv_tables.hpp"
#include "backends/sqlite/schema.hpp"
#include "core/errors.hpp"
#include "core/size_units.hpp"
#include "sds/error.hpp"

namespace sds::backend {
namespace {

using sqlite::Connection;
using sqlite::ConnectionSettings;
using sqlite::KvTables;
using sqlite::Layout;

constexpr const char* kMemoryPath = ":memory:";

// Reader connections of one database in this process: enough for the two
// cores of a small server and a few more threads, without a page cache per
// thread.
constexpr std::size_t kMaxReaders = 4;

// Defaults of the backend's parameters (sqlite_backend() lists them).
constexpr const char* kDefaultBusyTimeout = "5000";
constexpr const char* kDefaultPageSize = "4096";
constexpr const char* kDefaultMmapSize = sizeof(void*) >= 8 ? "256MiB" : "0";

// A connection with its statements.
struct Session {
  Session(const ConnectionSettings& settings, bool read_only) : connection(settings, read_only) {}
  Connection connection;
  std::unique_ptr<KvTables> tables;  // declared after the connection: finalized first
  // Prepared once: parsing them for every transaction cost a per-call append
  // about a tenth of its time.
  sqlite::Statement begin_writes{"BEGIN IMMEDIATE"};
  sqlite::Statement begin_reads{"BEGIN DEFERRED"};
  sqlite::Statement commit{"COMMIT"};
};

// One transaction: the kv trait's calls, on the tables of one session.
class SqliteTransaction final : public kv::WriteTransaction {
 public:
  explicit SqliteTransaction(KvTables& tables) : tables_(tables) {}
  std::optional<ByteView> get(std::string_view key) override { return tables_.get(key); }
  void scan(std::string_view from, std::string_view to, const kv::ScanVisitor& visit) override {
    tables_.scan(from, to, visit);
  }
  void put(std::string_view key, ByteView value) override { tables_.put(key, value); }
  bool insert(std::string_view key, ByteView value) override { return tables_.insert(key, value); }
  void erase(std::string_view key) override { tables_.erase(key); }
  void erase_range(std::string_view from, std::string_view to) override {
    tables_.erase_range(from, to);
  }
  void nested(const std::function<void(kv::WriteTransaction&)>& fn) override {
    tables_.savepoint();
    try {
      fn(*this);
    } catch (...) {
      tables_.rollback_to_savepoint();
      throw;
    }
    tables_.release_savepoint();
  }

 private:
  KvTables& tables_;
};

class SqliteBackend final : public kv::Backend {
 public:
  explicit SqliteBackend(const BackendConfig& config);
  ~SqliteBackend() override;

  void view(const std::function<void(kv::ReadTransaction&)>& fn) override;
  void update(const std::function<void(kv::WriteTransaction&)>& fn) override;
  void flush() override;
  std::optional<std::uint64_t> bytes_on_disk() override;
  void compact() override;
  kv::IntegrityCheck check_integrity() override;

 private:
  // Opens a connection for reading.
  std::unique_ptr<Session> open_reader();

  void run(Session& session, bool writes, const std::function<void(SqliteTransaction&)>& fn);

  ConnectionSettings settings_;
  bool read_only_;
  bool in_memory_;
  // :memory: (a database per connection) and locking=exclusive (a lock per
  // connection) use one connection for reads and writes.
  bool single_connection_;
  std::size_t inline_limit_ = 0;
  // A read-only open of a file without a WAL that holds commits: its
  // connections create -wal and -shm files, or find those that an earlier
  // read-only open left, and the close removes them (docs/DESIGN.md 11.7).
  bool remove_wal_files_at_close_ = false;

  // The connection of every write (and, with a single connection, every
  // read); none on a read-only open of a file.
  std::unique_ptr<Session> writer_;
  std::mutex writer_mutex_;
  // When and where the writer's WAL is checkpointed; none on a read-only open
  // and :memory:.
  std::unique_ptr<sqlite::Checkpointer> checkpointer_;

  // Reader connections, opened on demand up to kMaxReaders: a read never
  // waits for a write of this process (WAL lets readers and a writer run
  // side by side).
  std::mutex readers_mutex_;
  std::condition_variable reader_idle_;
  std::vector<std::unique_ptr<Session>> idle_readers_;
  std::size_t readers_ = 0;  // open, idle or in use
};

std::string param(const BackendConfig& config, const char* name, const char* fallback) {
  const auto it = config.params.find(name);
  return it == config.params.end() ? fallback : it->second;
}

SqliteBackend::SqliteBackend(const BackendConfig& config)
    : read_only_(config.read_only), in_memory_(config.path == kMemoryPath) {
  settings_.uri = config.uri;
  settings_.path = config.path;
  settings_.sync = config.sync;
  settings_.busy_timeout_ms = static_cast<int>(
      core::parse_integer(param(config, "busy_timeout", kDefaultBusyTimeout), "busy_timeout", 0,
                          std::numeric_limits<int>::max(), config.uri));
  const std::string locking = param(config, "locking", "normal");
  if (locking != "normal" && locking != "exclusive") {
    throw Error(Errc::invalid_argument,
                "cannot open " + core::in_quotes(config.uri) + ": locking must be " +
                    "'normal' or 'exclusive', not '" + core::keys::printable(locking) + "'");
  }
  const auto page_size = core::parse_integer(param(config, "page_size", kDefaultPageSize),
                                             "page_size", 512, 65536, config.uri);
  if ((page_size & (page_size - 1)) != 0) {
    throw Error(Errc::invalid_argument, "cannot open " + core::in_quotes(config.uri) +
                                            ": page_size must be a power of two from 512 "
                                            "to 65536, not " +
                                            std::to_string(page_size));
  }
  const std::uint64_t mmap_size =
      core::parse_size(param(config, "mmap_size", kDefaultMmapSize), "mmap_size", config.uri);
  settings_.mmap_size = static_cast<std::int64_t>(
      std::min<std::uint64_t>(mmap_size, std::numeric_limits<std::int64_t>::max()));
  // SQLite cannot hold an exclusive lock through a read-only file handle, and
  // a read-only open writes nothing that needs one.
  settings_.exclusive = locking == "exclusive" && !read_only_;
  single_connection_ = in_memory_ || settings_.exclusive;

  std::error_code error;
  if (!in_memory_ && std::filesystem::is_directory(settings_.path, error)) {
    throw Error(Errc::io_error,
                "cannot open " + core::in_quotes(settings_.uri) + ": '" +
                    core::keys::printable(settings_.path, core::keys::kWhole) +
                    "' is a directory, not an SQLite file",
                "name a file, e.g. sqlite:" +
                    core::keys::printable(settings_.path, core::keys::kWhole) + "/data.db");
  }
  remove_wal_files_at_close_ =
      read_only_ && !in_memory_ && !sqlite::wal_holds_commits(settings_.path);
  auto session = std::make_unique<Session>(settings_, read_only_);
  Connection& connection = session->connection;
  if (read_only_) {
    // A read-only open migrates nothing, and both layouts read the same way.
    if (sqlite::read_layout(connection) == Layout::none) {
      throw Error(Errc::not_found,
                  "cannot open " + core::in_quotes(settings_.uri) +
                      " read-only: it holds no sds-persistence data",
                  "check the path");
    }
  } else {
    sqlite::prepare_for_writing(connection, static_cast<int>(page_size));
    const std::int64_t stored_page_size = connection.query_int("PRAGMA page_size", "reading");
    inline_limit_ = sqlite::inline_limit(stored_page_size);
    if (!in_memory_) {
      connection.exec(
          "PRAGMA journal_size_limit=" + std::to_string(sqlite::wal_size_limit(stored_page_size)),
          "limiting the WAL");
    }
    // Deleted rows are zeroed on the pages a write changes anyway, but freed
    // pages are not rewritten with zeros: with Debian's default (ON) the
    // release of a 1 MiB blob wrote 256 pages of zeros through the WAL and
    // the database file (docs/DESIGN.md section 16.3).
    connection.exec("PRAGMA secure_delete=FAST", "setting secure_delete");
  }
  session->tables = std::make_unique<KvTables>(connection, inline_limit_, !read_only_);
  if (read_only_ && !single_connection_) {
    idle_readers_.push_back(std::move(session));
    readers_ = 1;
  } else {
    writer_ = std::move(session);
  }
  if (!read_only_ && !in_memory_) {
    checkpointer_ = std::make_unique<sqlite::Checkpointer>(writer_->connection.get(), settings_,
                                                           !single_connection_);
  }
}

SqliteBackend::~SqliteBackend() {
  // Its connection closes before the writer's, whose close (the last of the
  // file in this process) checkpoints and removes the WAL.
  checkpointer_.reset();
  if (remove_wal_files_at_close_) {
    // Every connection of this backend is closed first: the removal needs the
    // last one.
    writer_.reset();
    idle_readers_.clear();
    sqlite::remove_wal_files_of_readers(settings_);
    return;
  }
  // A clean close makes every write durable in every mode (docs/DESIGN.md
  // section 9.1). Under sync=off SQLite's checkpoint at the last close syncs
  // nothing, and deletes the WAL after copying it into an unsynced file: sync
  // the WAL first, and let that checkpoint (the writer closes last, after the
  // readers) run under synchronous=FULL. A close reports no error.
  if (!writer_ || read_only_ || in_memory_ || settings_.sync != SyncMode::off) return;
  try {
    sqlite::flush_wal(writer_->connection);
    writer_->connection.exec("PRAGMA synchronous=FULL", "closing");
  } catch (const Error&) {
  }
}

std::unique_ptr<Session> SqliteBackend::open_reader() {
  auto session = std::make_unique<Session>(settings_, true);
  session->tables = std::make_unique<KvTables>(session->connection, inline_limit_, false);
  return session;
}

void SqliteBackend::view(const std::function<void(kv::ReadTransaction&)>& fn) {
  if (single_connection_) {
    std::lock_guard lock(writer_mutex_);
    run(*writer_, false, [&](SqliteTransaction& txn) { fn(txn); });
    return;
  }
  std::unique_ptr<Session> session;
  {
    std::unique_lock lock(readers_mutex_);
    reader_idle_.wait(lock, [&] { return !idle_readers_.empty() || readers_ < kMaxReaders; });
    if (!idle_readers_.empty()) {
      session = std::move(idle_readers_.back());
      idle_readers_.pop_back();
    } else {
      ++readers_;
    }
  }
  if (!session) {
    try {
      session = open_reader();
    } catch (...) {
      std::lock_guard lock(readers_mutex_);
      --readers_;
      reader_idle_.notify_one();
      throw;
    }
  }
  struct GiveBack {
    SqliteBackend& backend;
    std::unique_ptr<Session>& session;
    ~GiveBack() {
      std::lock_guard lock(backend.readers_mutex_);
      backend.idle_readers_.push_back(std::move(session));
      backend.reader_idle_.notify_one();
    }
  } give_back{*this, session};
  run(*session, false, [&](SqliteTransaction& txn) { fn(txn); });
}

void SqliteBackend::update(const std::function<void(kv::WriteTransaction&)>& fn) {
  if (read_only_) {
    throw Error(Errc::unsupported,
                "cannot write to " + core::in_quotes(settings_.uri) + ": it is open read-only",
                "open it for writing");
  }
  std::lock_guard lock(writer_mutex_);
  run(*writer_, true, [&](SqliteTransaction& txn) { fn(txn); });
}

void SqliteBackend::run(Session& session, bool writes,
                        const std::function<void(SqliteTransaction&)>& fn) {
  Connection& connection = session.connection;
  connection.step_done(connection.ready(writes ? session.begin_writes : session.begin_reads),
                       "beginning a transaction");
  bool shrank = false;
  try {
    SqliteTransaction txn(*session.tables);
    fn(txn);
    shrank = session.tables->erased_a_range();
    session.tables->finish();
    connection.step_done(connection.ready(session.commit), "committing");
  } catch (...) {
    session.tables->finish();
    // A failed COMMIT may have rolled back already; ROLLBACK then just fails.
    sqlite3_exec(connection.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  // Keys of a range went (a checkpoint's prune, prune_patches, drop_store):
  // the WAL is checkpointed, so that the next commit starts it afresh
  // (docs/DESIGN.md section 16.2). The commit stands whatever happens here;
  // a checkpoint that cannot finish now is done by a later one.
  if (shrank && checkpointer_) checkpointer_->checkpoint_now();
}

void SqliteBackend::flush() {
  if (in_memory_ || read_only_) return;
  std::lock_guard lock(writer_mutex_);
  std::unique_lock<std::mutex> paused;
  if (checkpointer_) paused = checkpointer_->pause();
  sqlite::flush_wal(writer_->connection);
}

void SqliteBackend::compact() {
  if (read_only_) {
    throw Error(Errc::unsupported,
                "cannot compact " + core::in_quotes(settings_.uri) + ": it is open read-only",
                "open it for writing");
  }
  std::lock_guard lock(writer_mutex_);
  Connection& connection = writer_->connection;
  // Values of format 1 over the inline limit move out of line, so that VACUUM
  // leaves the index B-tree small.
  run(*writer_, true,
      [&](SqliteTransaction&) { writer_->tables->move_large_values_out_of_line(); });
  // VACUUM rewrites the file under SQLite's own locks, so other processes stay
  // safe; the truncating checkpoint then gives the WAL's space back too.
  connection.exec("VACUUM", "compacting (VACUUM)");
  std::unique_lock<std::mutex> paused;
  if (checkpointer_) paused = checkpointer_->pause();
  if (!in_memory_) {
    const int rc = sqlite3_wal_checkpoint_v2(connection.get(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                             nullptr, nullptr);
    if (rc != SQLITE_OK) connection.fail(rc, "compacting (WAL checkpoint)");
  }
}

kv::IntegrityCheck SqliteBackend::check_integrity() {
  kv::IntegrityCheck check{true, "SQLite PRAGMA integrity_check", {}};
  // A connection of its own: the check reads every page, and no writer of
  // this process waits for it.
  std::unique_ptr<Session> session;
  std::unique_lock<std::mutex> lock;
  if (single_connection_) {
    lock = std::unique_lock(writer_mutex_);
  } else {
    session = open_reader();
  }
  sqlite3* db = session ? session->connection.get() : writer_->connection.get();
  sqlite3_stmt* statement = nullptr;
  int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr);
  while (rc == SQLITE_OK && (rc = sqlite3_step(statement)) == SQLITE_ROW) {
    const auto* line = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    if (line && std::string_view(line) != "ok") check.problems.emplace_back(line);
    rc = SQLITE_OK;
  }
  sqlite3_finalize(statement);
  if (rc != SQLITE_DONE) check.problems.push_back(std::string("it stopped: ") + sqlite3_errstr(rc));
  return check;
}

std::optional<std::uint64_t> SqliteBackend::bytes_on_disk() {
  if (in_memory_) return std::nullopt;
  std::uint64_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code error;
    const auto size = std::filesystem::file_size(settings_.path + suffix, error);
    if (!error) total += size;
  }
  return total;
}

std::shared_ptr<kv::Backend> open_sqlite(const BackendConfig& config) {
  return std::make_shared<SqliteBackend>(config);
}

}  // namespace

BackendInfo sqlite_backend() {
  BackendInfo info;
  info.scheme = "sqlite";
  info.description =
      "SQLite file (the reference backend): WAL journal, one table of keys and small values, "
      "large values out of line";
  info.path_kind = PathKind::file;
  info.private_paths = {kMemoryPath};
  info.capabilities = {
      .persistent = true, .multi_process = true, .compaction = true, .reports_size = true};
  info.params = {
      {"busy_timeout", kDefaultBusyTimeout,
       "milliseconds a writer waits for another process's lock before Errc::busy"},
      {"locking", "normal",
       "normal, or exclusive: this process alone holds the file from open to close (no "
       "shared-memory file, one connection; other processes get Errc::busy)"},
      {"page_size", kDefaultPageSize,
       "bytes per page of a database created by this open: a power of two from 512 to 65536"},
      {"mmap_size", kDefaultMmapSize,
       "bytes of the file each connection reads through a memory map; 0 reads with read()"},
  };
  info.open_kv = open_sqlite;
  return info;
}

}  // namespace sds::backend
