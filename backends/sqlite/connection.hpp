// One SQLite connection: opening it with the backend's pragmas, prepared
// statements, and SQLite's result codes turned into sds::Error.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "sds/error.hpp"
#include "sds/registry.hpp"
#include "sds/types.hpp"

namespace sds::backend::sqlite {

// The error code of an SQLite result code (docs/DESIGN.md section 10).
Errc code_of(int rc);

// What every connection of one backend shares, from the URI.
struct ConnectionSettings {
  std::string uri;   // for messages: password masked
  std::string path;  // a file, or ":memory:"
  SyncMode sync = SyncMode::normal;
  int busy_timeout_ms = 5000;
  std::int64_t mmap_size = 0;  // PRAGMA mmap_size
  bool exclusive = false;      // PRAGMA locking_mode=EXCLUSIVE
};

// A prepared statement, finalized with the object. One made with its SQL is
// prepared on first use (Connection::ready).
class Statement {
 public:
  Statement() = default;
  explicit Statement(const char* sql) : sql_(sql) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  sqlite3_stmt*& handle() { return stmt_; }
  sqlite3_stmt* get() const { return stmt_; }
  const char* sql() const { return sql_; }

  void bind(int index, std::string_view bytes) { bind(index, as_bytes(bytes)); }
  void bind(int index, ByteView bytes) {
    // A null pointer would bind SQL NULL: an empty value needs a real one.
    static const std::uint8_t kEmpty = 0;
    sqlite3_bind_blob64(stmt_, index, bytes.empty() ? &kEmpty : bytes.data(), bytes.size(),
                        SQLITE_STATIC);
  }
  void bind(int index, std::int64_t number) { sqlite3_bind_int64(stmt_, index, number); }
  ByteView column(int index) const {
    const void* data = sqlite3_column_blob(stmt_, index);
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index));
    return {static_cast<const std::uint8_t*>(data), size};
  }
  std::int64_t column_int(int index) const { return sqlite3_column_int64(stmt_, index); }
  bool column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }
  void reset() {
    if (stmt_ == nullptr) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  const char* sql_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// One open connection, closed with the object (close_v2 waits for statements
// that outlive it). Used by one thread at a time.
class Connection {
 public:
  // Opens `settings.path` read-only or for writing (creating the file), and
  // applies the busy timeout, the sync mode, mmap_size and the locking mode.
  Connection(const ConnectionSettings& settings, bool read_only);
  ~Connection() { sqlite3_close_v2(db_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* get() const { return db_; }
  const ConnectionSettings& settings() const { return settings_; }

  // Runs SQL that returns no rows; throws on failure, naming `what`.
  void exec(const std::string& sql, std::string_view what);
  // Prepares a statement kept for the life of the connection.
  void prepare(Statement& statement, const char* sql);
  // The statement, prepared from its own SQL if it is not yet.
  Statement& ready(Statement& statement) {
    if (statement.get() == nullptr) prepare(statement, statement.sql());
    return statement;
  }
  // Steps a statement that returns no rows, then resets it.
  void step_done(Statement& statement, std::string_view what);
  // The integer a statement such as "PRAGMA page_size" returns.
  std::int64_t query_int(const char* sql, std::string_view what);

  [[noreturn]] void fail(int rc, std::string_view what) const;

 private:
  ConnectionSettings settings_;
  sqlite3* db_ = nullptr;
};

// Makes every transaction committed on `connection`, a writable connection
// in WAL mode, durable whatever its synchronous pragma: syncs the WAL, then
// checkpoints what it can under synchronous=FULL; under sync=off it then
// syncs the database file too.
void flush_wal(Connection& connection);

// Whether the database at `path` has a -wal file that holds anything: a
// writer's commits, live or left by a crash. An empty one (or -shm alone) is
// what a read-only connection leaves.
bool wal_holds_commits(const std::string& path);

// Removes the -wal and -shm files that read-only connections left beside
// `settings.path` (SQLite creates them to read a WAL database, and only a
// connection that may write removes them at its close): a connection that may
// write opens the file, reads, and closes, which removes them when it is the
// file's last connection in any process and the file is writable. The WAL is
// empty unless a writer came meanwhile: then its commits are checkpointed into
// the file, as that writer's own last close would have done. Never throws.
void remove_wal_files_of_readers(const ConnectionSettings& settings);

// The synchronous pragma of a sync mode: they map one to one (docs/DESIGN.md section 9).
std::string synchronous_pragma(SyncMode sync);

}  // namespace sds::backend::sqlite
