#include "backends/sqlite/sqlite_backend.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <limits>
#include <mutex>
#include <string>

#include "core/size_units.hpp"
#include "sds/error.hpp"

namespace sds::backend {
namespace {

constexpr const char* kMemoryPath = ":memory:";
constexpr int kDefaultBusyTimeoutMs = 5000;

// The `sync` modes map to SQLite's synchronous levels one to one (docs/DESIGN.md section 9).
std::string synchronous_pragma(SyncMode sync) {
  static constexpr const char* kLevels[] = {"OFF", "NORMAL", "FULL"};
  return std::string("PRAGMA synchronous=") + kLevels[static_cast<int>(sync)];
}

Errc code_of(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Errc::busy;
    case SQLITE_FULL:
      return Errc::full;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Errc::corruption;
    case SQLITE_TOOBIG:
      return Errc::invalid_argument;
    default:
      return Errc::io_error;
  }
}

// The SQLite statements of one connection, prepared once and reused.
class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  sqlite3_stmt*& handle() { return stmt_; }
  sqlite3_stmt* get() const { return stmt_; }

  void bind(int index, std::string_view bytes) { bind(index, as_bytes(bytes)); }
  void bind(int index, ByteView bytes) {
    // A null pointer would bind SQL NULL: an empty value needs a real one.
    static const std::uint8_t kEmpty = 0;
    sqlite3_bind_blob64(stmt_, index, bytes.empty() ? &kEmpty : bytes.data(), bytes.size(),
                        SQLITE_STATIC);
  }
  ByteView column(int index) const {
    const void* data = sqlite3_column_blob(stmt_, index);
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index));
    return {static_cast<const std::uint8_t*>(data), size};
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// Owns the connection; closed with close_v2, which waits for the statements.
struct Connection {
  sqlite3* db = nullptr;
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { sqlite3_close_v2(db); }
};

class SqliteBackend;

// One transaction on the connection; reads and writes both go through here.
class SqliteTransaction final : public kv::WriteTransaction {
 public:
  explicit SqliteTransaction(SqliteBackend& db) : db_(db) {}
  ~SqliteTransaction();
  std::optional<ByteView> get(std::string_view key) override;
  void scan(std::string_view from, std::string_view to, const kv::ScanVisitor& visit) override;
  void put(std::string_view key, ByteView value) override;
  bool insert(std::string_view key, ByteView value) override;
  void erase(std::string_view key) override;
  void erase_range(std::string_view from, std::string_view to) override;
  void nested(const std::function<void(kv::WriteTransaction&)>& fn) override;

 private:
  SqliteBackend& db_;
};

class SqliteBackend final : public kv::Backend {
 public:
  explicit SqliteBackend(const BackendConfig& config);

  void view(const std::function<void(kv::ReadTransaction&)>& fn) override {
    run("BEGIN", [&](SqliteTransaction& txn) { fn(txn); });
  }
  void update(const std::function<void(kv::WriteTransaction&)>& fn) override {
    if (read_only_) {
      throw Error(Errc::unsupported, "cannot write to '" + uri_ + "': it is open read-only",
                  "open it for writing");
    }
    run("BEGIN IMMEDIATE", [&](SqliteTransaction& txn) { fn(txn); });
  }
  void flush() override;
  std::optional<std::uint64_t> bytes_on_disk() override;
  void compact() override;
  kv::IntegrityCheck check_integrity() override;

  // Executes a statement that returns no rows; throws on failure.
  void step_done(Statement& statement, std::string_view what) {
    const int rc = sqlite3_step(statement.get());
    statement.reset();
    if (rc != SQLITE_DONE) fail(rc, what);
  }
  sqlite3* handle() const { return db_; }
  [[noreturn]] void fail(int rc, std::string_view what) const {
    std::string message =
        "sqlite: " + std::string(what) + " on '" + uri_ + "' failed: " + sqlite3_errstr(rc);
    // The connection's message adds detail only when it says something else.
    if (db_ && sqlite3_errcode(db_) == rc &&
        std::string_view(sqlite3_errmsg(db_)) != sqlite3_errstr(rc)) {
      message += std::string(" (") + sqlite3_errmsg(db_) + ")";
    }
    std::string advice;
    switch (code_of(rc)) {
      case Errc::busy:
        message += "; another connection held the lock past busy_timeout=" +
                   std::to_string(busy_timeout_ms_) + "ms";
        advice = "retry, or raise busy_timeout";
        break;
      case Errc::corruption:
        advice =
            "check that the URI names an sds-persistence SQLite file; if it is damaged, run "
            "`sdsctl verify` and restore from a backup";
        break;
      case Errc::full:
        advice = "free some disk space";
        break;
      default:
        advice = "check the path, its permissions and the disk";
        break;
    }
    throw Error(code_of(rc), message, advice);
  }

  Statement get_, put_, insert_, erase_, erase_range_, scan_, scan_to_end_;
  Statement savepoint_, release_, rollback_to_;

 private:
  void run(const char* begin, const std::function<void(SqliteTransaction&)>& fn);
  void exec(const std::string& sql, std::string_view what) {
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(rc, what);
  }
  void prepare(Statement& statement, const char* sql) {
    const int rc =
        sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement.handle(), nullptr);
    if (rc != SQLITE_OK) fail(rc, "preparing statements");
  }
  void create_schema();

  std::string uri_;
  std::string path_;
  bool read_only_;
  bool in_memory_;
  SyncMode sync_;
  int busy_timeout_ms_ = kDefaultBusyTimeoutMs;
  Connection connection_;
  sqlite3*& db_ = connection_.db;
  std::mutex mutex_;  // one connection: one transaction at a time
};

SqliteBackend::SqliteBackend(const BackendConfig& config)
    : uri_(config.uri),
      path_(config.path),
      read_only_(config.read_only),
      in_memory_(config.path == kMemoryPath),
      sync_(config.sync) {
  if (const auto it = config.params.find("busy_timeout"); it != config.params.end()) {
    busy_timeout_ms_ = static_cast<int>(core::parse_integer(
        it->second, "busy_timeout", 0, std::numeric_limits<int>::max(), config.uri));
  }
  std::error_code error;
  if (!in_memory_ && std::filesystem::is_directory(path_, error)) {
    throw Error(Errc::io_error,
                "cannot open '" + uri_ + "': '" + path_ + "' is a directory, not an SQLite file",
                "name a file, e.g. sqlite:" + path_ + "/data.db");
  }
  const int flags =
      (read_only_ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) fail(rc, "opening");
  sqlite3_extended_result_codes(db_, 0);
  sqlite3_busy_timeout(db_, busy_timeout_ms_);
  if (!in_memory_ && !read_only_) exec("PRAGMA journal_mode=WAL", "switching to WAL");
  exec(synchronous_pragma(sync_), "setting sync");
  create_schema();
  prepare(get_, "SELECT v FROM sds_kv WHERE k = ?1");
  prepare(put_,
          "INSERT INTO sds_kv(k, v) VALUES(?1, ?2) ON CONFLICT(k) DO UPDATE SET v = excluded.v");
  prepare(insert_, "INSERT OR IGNORE INTO sds_kv(k, v) VALUES(?1, ?2)");
  prepare(erase_, "DELETE FROM sds_kv WHERE k = ?1");
  prepare(erase_range_, "DELETE FROM sds_kv WHERE k >= ?1 AND k < ?2");
  prepare(scan_, "SELECT k, v FROM sds_kv WHERE k >= ?1 AND k < ?2 ORDER BY k");
  prepare(scan_to_end_, "SELECT k, v FROM sds_kv WHERE k >= ?1 ORDER BY k");
  // One name serves every level: SQLite releases or rolls back to the most
  // recent savepoint of a name.
  prepare(savepoint_, "SAVEPOINT nested");
  prepare(release_, "RELEASE nested");
  prepare(rollback_to_, "ROLLBACK TO nested");
}

// Refuses a file of another application instead of adding a table to it.
void SqliteBackend::create_schema() {
  bool has_kv = false;
  int other_tables = 0;
  Statement tables;
  prepare(tables, "SELECT name FROM sqlite_master WHERE type = 'table'");
  int rc;
  while ((rc = sqlite3_step(tables.get())) == SQLITE_ROW) {
    const auto* name = reinterpret_cast<const char*>(sqlite3_column_text(tables.get(), 0));
    if (std::string_view(name ? name : "") == "sds_kv") {
      has_kv = true;
    } else {
      ++other_tables;
    }
  }
  if (rc != SQLITE_DONE) fail(rc, "reading the schema");
  if (other_tables > 0 && !has_kv) {
    throw Error(Errc::corruption,
                "'" + uri_ +
                    "' is an SQLite database of another application (it has tables, none of "
                    "them sds_kv), left untouched",
                "check the path; a new database needs a new file");
  }
  if (has_kv) return;
  if (read_only_) {
    throw Error(Errc::not_found,
                "cannot open '" + uri_ + "' read-only: it holds no sds-persistence data",
                "check the path");
  }
  exec("CREATE TABLE IF NOT EXISTS sds_kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID",
       "creating the table");
}

void SqliteBackend::run(const char* begin, const std::function<void(SqliteTransaction&)>& fn) {
  std::lock_guard lock(mutex_);
  exec(begin, "beginning a transaction");
  try {
    {
      SqliteTransaction txn(*this);
      fn(txn);
    }
    exec("COMMIT", "committing");
  } catch (...) {
    // A failed COMMIT may have rolled back already; ROLLBACK then just fails.
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void SqliteBackend::flush() {
  if (in_memory_ || read_only_) return;
  std::lock_guard lock(mutex_);
  // A checkpoint under synchronous=FULL fsyncs the WAL, then the database file.
  exec("PRAGMA synchronous=FULL", "flushing");
  const int rc =
      sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  exec(synchronous_pragma(sync_), "flushing");
  if (rc != SQLITE_OK) fail(rc, "flushing (WAL checkpoint)");
}

void SqliteBackend::compact() {
  if (read_only_) {
    throw Error(Errc::unsupported, "cannot compact '" + uri_ + "': it is open read-only",
                "open it for writing");
  }
  std::lock_guard lock(mutex_);
  // VACUUM rewrites the file under SQLite's own locks, so other processes stay
  // safe; the truncating checkpoint then gives the WAL's space back too.
  exec("VACUUM", "compacting (VACUUM)");
  if (!in_memory_) {
    const int rc =
        sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(rc, "compacting (WAL checkpoint)");
  }
}

kv::IntegrityCheck SqliteBackend::check_integrity() {
  kv::IntegrityCheck check{true, "SQLite PRAGMA integrity_check", {}};
  std::lock_guard lock(mutex_);
  Statement statement;
  prepare(statement, "PRAGMA integrity_check");
  int rc;
  while ((rc = sqlite3_step(statement.get())) == SQLITE_ROW) {
    const auto* line = reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 0));
    if (line && std::string_view(line) != "ok") check.problems.emplace_back(line);
  }
  if (rc != SQLITE_DONE) check.problems.push_back(std::string("it stopped: ") + sqlite3_errstr(rc));
  return check;
}

std::optional<std::uint64_t> SqliteBackend::bytes_on_disk() {
  if (in_memory_) return std::nullopt;
  std::uint64_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path_ + suffix, error);
    if (!error) total += size;
  }
  return total;
}

SqliteTransaction::~SqliteTransaction() { db_.get_.reset(); }

std::optional<ByteView> SqliteTransaction::get(std::string_view key) {
  Statement& statement = db_.get_;
  statement.reset();  // ends the previous get(), whose view is now invalid
  statement.bind(1, key);
  const int rc = sqlite3_step(statement.get());
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) {
    statement.reset();
    db_.fail(rc, "reading");
  }
  return statement.column(0);
}

void SqliteTransaction::scan(std::string_view from, std::string_view to,
                             const kv::ScanVisitor& visit) {
  Statement& statement = to.empty() ? db_.scan_to_end_ : db_.scan_;
  statement.bind(1, from);
  if (!to.empty()) statement.bind(2, to);
  struct ResetOnExit {
    Statement& statement;
    ~ResetOnExit() { statement.reset(); }
  } reset_on_exit{statement};
  int rc;
  while ((rc = sqlite3_step(statement.get())) == SQLITE_ROW) {
    const ByteView key = statement.column(0);
    if (!visit(as_chars(key), statement.column(1))) return;
  }
  if (rc != SQLITE_DONE) db_.fail(rc, "scanning");
}

void SqliteTransaction::put(std::string_view key, ByteView value) {
  db_.put_.bind(1, key);
  db_.put_.bind(2, value);
  db_.step_done(db_.put_, "writing");
}

bool SqliteTransaction::insert(std::string_view key, ByteView value) {
  db_.insert_.bind(1, key);
  db_.insert_.bind(2, value);
  db_.step_done(db_.insert_, "writing");
  return sqlite3_changes(db_.handle()) > 0;
}

void SqliteTransaction::erase(std::string_view key) {
  db_.erase_.bind(1, key);
  db_.step_done(db_.erase_, "deleting");
}

void SqliteTransaction::erase_range(std::string_view from, std::string_view to) {
  db_.erase_range_.bind(1, from);
  db_.erase_range_.bind(2, to);
  db_.step_done(db_.erase_range_, "deleting a range");
}

void SqliteTransaction::nested(const std::function<void(kv::WriteTransaction&)>& fn) {
  db_.get_.reset();  // no read may be pending across a savepoint change
  db_.step_done(db_.savepoint_, "beginning a nested transaction");
  try {
    fn(*this);
  } catch (...) {
    db_.get_.reset();
    // ROLLBACK TO keeps the savepoint open: RELEASE then drops it.
    sqlite3_step(db_.rollback_to_.get());
    db_.rollback_to_.reset();
    sqlite3_step(db_.release_.get());
    db_.release_.reset();
    throw;
  }
  db_.step_done(db_.release_, "ending a nested transaction");
}

std::shared_ptr<kv::Backend> open_sqlite(const BackendConfig& config) {
  return std::make_shared<SqliteBackend>(config);
}

}  // namespace

BackendInfo sqlite_backend() {
  BackendInfo info;
  info.scheme = "sqlite";
  info.description =
      "SQLite file (the reference backend): WAL journal, one table of keys and values";
  info.path_kind = PathKind::file;
  info.private_paths = {kMemoryPath};
  info.capabilities = {
      .persistent = true, .multi_process = true, .compaction = true, .reports_size = true};
  info.params = {{"busy_timeout", std::to_string(kDefaultBusyTimeoutMs),
                  "milliseconds a writer waits for another process's lock before Errc::busy"}};
  info.open_kv = open_sqlite;
  return info;
}

}  // namespace sds::backend
