#include "backends/sqlite/connection.hpp"

#include <filesystem>

#include "backends/sqlite/wal_buffer_vfs.hpp"
#include "core/errors.hpp"

namespace sds::backend::sqlite {

Errc code_of(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Errc::busy;
    case SQLITE_FULL:
    case SQLITE_NOMEM:
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

std::string synchronous_pragma(SyncMode sync) {
  static constexpr const char* kLevels[] = {"OFF", "NORMAL", "FULL"};
  return std::string("PRAGMA synchronous=") + kLevels[static_cast<int>(sync)];
}

Connection::Connection(const ConnectionSettings& settings, bool read_only) : settings_(settings) {
  const int flags =
      (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  // No destructor runs for a constructor that throws: close here then.
  try {
    // A file's WAL writes are gathered (docs/DESIGN.md section 16.1).
    const int rc = sqlite3_open_v2(settings_.path.c_str(), &db_, flags,
                                   settings_.path == ":memory:" ? nullptr : wal_buffer_vfs());
    if (rc != SQLITE_OK) fail(rc, "opening");
    sqlite3_extended_result_codes(db_, 0);
    sqlite3_busy_timeout(db_, settings_.busy_timeout_ms);
    // Before the first access: in WAL mode an exclusive connection then never
    // uses the shared-memory file.
    if (settings_.exclusive) exec("PRAGMA locking_mode=EXCLUSIVE", "setting the locking mode");
    exec(synchronous_pragma(settings_.sync), "setting sync");
    exec("PRAGMA mmap_size=" + std::to_string(settings_.mmap_size), "setting mmap_size");
  } catch (...) {
    sqlite3_close_v2(db_);
    throw;
  }
}

void Connection::exec(const std::string& sql, std::string_view what) {
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(rc, what);
}

void Connection::prepare(Statement& statement, const char* sql) {
  const int rc =
      sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement.handle(), nullptr);
  if (rc != SQLITE_OK) fail(rc, "preparing statements");
}

void Connection::step_done(Statement& statement, std::string_view what) {
  const int rc = sqlite3_step(statement.get());
  statement.reset();
  if (rc != SQLITE_DONE) fail(rc, what);
}

std::int64_t Connection::query_int(const char* sql, std::string_view what) {
  Statement statement;
  prepare(statement, sql);
  const int rc = sqlite3_step(statement.get());
  if (rc != SQLITE_ROW) fail(rc == SQLITE_DONE ? SQLITE_ERROR : rc, what);
  return statement.column_int(0);
}

void Connection::fail(int rc, std::string_view what) const {
  std::string message = "sqlite: " + std::string(what) + " on " + core::in_quotes(settings_.uri) +
                        " failed: " + sqlite3_errstr(rc);
  // The connection's message adds detail only when it says something else.
  if (db_ && sqlite3_errcode(db_) == rc &&
      std::string_view(sqlite3_errmsg(db_)) != sqlite3_errstr(rc)) {
    message += std::string(" (") + sqlite3_errmsg(db_) + ")";
  }
  std::string advice;
  switch (code_of(rc)) {
    case Errc::busy:
      message += "; another connection held the lock past busy_timeout=" +
                 std::to_string(settings_.busy_timeout_ms) + "ms";
      advice =
          "retry, or raise busy_timeout (a process that opened it with locking=exclusive holds "
          "it until it closes)";
      break;
    case Errc::corruption:
      advice =
          "check that the URI names an sds-persistence SQLite file; if it is damaged, run "
          "`sdsctl verify` and restore from a backup";
      break;
    case Errc::full:
      advice = (rc & 0xff) == SQLITE_NOMEM ? core::kOutOfMemoryAdvice : "free some disk space";
      break;
    default:
      advice = "check the path, its permissions and the disk";
      break;
  }
  throw Error(code_of(rc), message, advice);
}

void flush_wal(Connection& connection) {
  // Every committed transaction is in the WAL, so syncing it makes them all
  // durable. The checkpoint below syncs the WAL only when it can copy pages
  // back, which a reader still on an older snapshot may prevent.
  sqlite3_file* wal = nullptr;
  if (sqlite3_file_control(connection.get(), "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) ==
          SQLITE_OK &&
      wal != nullptr && wal->pMethods != nullptr) {
    const int rc = wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);
    if (rc != SQLITE_OK) connection.fail(rc, "flushing (syncing the WAL)");
  }
  // A checkpoint under synchronous=FULL syncs the WAL, then the database file.
  connection.exec("PRAGMA synchronous=FULL", "flushing");
  const int rc = sqlite3_wal_checkpoint_v2(connection.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                           nullptr, nullptr);
  connection.exec(synchronous_pragma(connection.settings().sync), "flushing");
  if (rc != SQLITE_OK) connection.fail(rc, "flushing (WAL checkpoint)");
  if (connection.settings().sync != SyncMode::off) return;
  // Under sync=off, earlier checkpoints copied pages into the database file
  // without syncing it, and the WAL that held them has started afresh since;
  // the checkpoint above syncs the file only when it copies something.
  sqlite3_file* database = nullptr;
  if (sqlite3_file_control(connection.get(), "main", SQLITE_FCNTL_FILE_POINTER, &database) ==
          SQLITE_OK &&
      database != nullptr && database->pMethods != nullptr) {
    const int synced = database->pMethods->xSync(database, SQLITE_SYNC_NORMAL);
    if (synced != SQLITE_OK) connection.fail(synced, "flushing (syncing the database file)");
  }
}

bool wal_holds_commits(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path + "-wal", error);
  return !error && size > 0;
}

void remove_wal_files_of_readers(const ConnectionSettings& settings) {
  sqlite3* db = nullptr;
  // No SQLITE_OPEN_CREATE: a file removed meanwhile is not created again.
  if (sqlite3_open_v2(settings.path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                      nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, settings.busy_timeout_ms);
    // Reading the schema opens the WAL, so that the close below handles it.
    sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
  }
  sqlite3_close_v2(db);
}

}  // namespace sds::backend::sqlite
