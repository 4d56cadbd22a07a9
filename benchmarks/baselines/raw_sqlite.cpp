// raw-sqlite: SQLite directly, one statement per call, as an application would.
#include <sqlite3.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "raw_keys.hpp"
#include "raw_openers.hpp"
#include "raw_uri.hpp"

namespace sds::baselines {
namespace {

using Connection = std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)>;
using Statement = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

class RawSqlite final : public workloads::Subject {
 public:
  RawSqlite(const RawUri& uri, bool without_rowid) {
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(uri.path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    db_.reset(db);
    check(rc, "opening " + uri.path);
    // WAL and the synchronous level of each sync mode, as the engine's backend.
    static constexpr const char* kSynchronous[] = {"OFF", "NORMAL", "FULL"};
    exec("PRAGMA journal_mode=WAL");
    exec(std::string("PRAGMA synchronous=") + kSynchronous[static_cast<int>(uri.sync)]);
    exec(std::string("CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL)") +
         (without_rowid ? " WITHOUT ROWID" : ""));
    insert_ = prepare("INSERT OR IGNORE INTO kv(k, v) VALUES(?1, ?2)");
    replace_ = prepare("INSERT OR REPLACE INTO kv(k, v) VALUES(?1, ?2)");
    get_ = prepare("SELECT v FROM kv WHERE k = ?1");
    scan_ = prepare("SELECT v FROM kv WHERE k >= ?1 AND k < ?2 ORDER BY k");
    erase_ = prepare("DELETE FROM kv WHERE k = ?1");
  }
  // Outside BEGIN ... COMMIT each statement is a transaction of its own.
  void append_patch(ByteView patch, Clock clock) override {
    write(insert_, patch_key(clock), patch);
  }
  void append_patches(std::span<const ByteView> patches, Clock first_clock) override {
    exec("BEGIN IMMEDIATE");
    for (const ByteView patch : patches) write(insert_, patch_key(first_clock++), patch);
    exec("COMMIT");
  }
  void save_snapshot(ByteView snapshot, Clock clock) override {
    exec("BEGIN IMMEDIATE");
    write(replace_, snapshot_clock_key(), as_bytes(encode_clock(clock)));
    write(replace_, snapshot_key(), snapshot);
    exec("COMMIT");
  }
  std::optional<Bytes> load_snapshot() override { return get(snapshot_key()); }
  std::vector<Bytes> load_patches_since(Clock clock) override {
    const std::string from = patch_key(clock + 1);
    const std::string to = patches_end();
    sqlite3_stmt* scan = scan_.get();
    bind(scan, 1, as_bytes(from));
    bind(scan, 2, as_bytes(to));
    std::vector<Bytes> patches;
    int rc;
    while ((rc = sqlite3_step(scan)) == SQLITE_ROW) patches.push_back(column(scan));
    sqlite3_reset(scan);
    check(rc == SQLITE_DONE ? SQLITE_OK : rc, "reading patches");
    return patches;
  }
  void save_value(std::string_view hash, ByteView data) override {
    write(insert_, blob_key(hash), data);
  }
  std::optional<Bytes> load_value(std::string_view hash) override { return get(blob_key(hash)); }
  void release_value(std::string_view hash) override {
    const std::string key = blob_key(hash);
    bind(erase_.get(), 1, as_bytes(key));
    step_done(erase_.get());
  }

 private:
  void check(int rc, const std::string& what) const {
    if (rc != SQLITE_OK) {
      throw std::runtime_error("raw sqlite: " + what + ": " + sqlite3_errstr(rc) +
                               (db_ ? std::string(" (") + sqlite3_errmsg(db_.get()) + ")" : ""));
    }
  }
  void exec(const std::string& sql) {
    check(sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr), sql);
  }
  Statement prepare(const char* sql) {
    sqlite3_stmt* statement = nullptr;
    const int rc =
        sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    check(rc, sql);
    return {statement, &sqlite3_finalize};
  }
  static void bind(sqlite3_stmt* statement, int index, ByteView bytes) {
    static const std::uint8_t kEmpty = 0;  // a null pointer would bind NULL
    sqlite3_bind_blob64(statement, index, bytes.empty() ? &kEmpty : bytes.data(), bytes.size(),
                        SQLITE_STATIC);
  }
  static Bytes column(sqlite3_stmt* statement) {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement, 0));
    return Bytes(data, data + sqlite3_column_bytes(statement, 0));
  }
  void step_done(sqlite3_stmt* statement) {
    const int rc = sqlite3_step(statement);
    sqlite3_reset(statement);
    check(rc == SQLITE_DONE ? SQLITE_OK : rc, "writing");
  }
  void write(const Statement& statement, const std::string& key, ByteView value) {
    bind(statement.get(), 1, as_bytes(key));
    bind(statement.get(), 2, value);
    step_done(statement.get());
  }
  std::optional<Bytes> get(const std::string& key) {
    sqlite3_stmt* get = get_.get();
    bind(get, 1, as_bytes(key));
    const int rc = sqlite3_step(get);
    std::optional<Bytes> value;
    if (rc == SQLITE_ROW) value = column(get);
    sqlite3_reset(get);
    check(rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc, "reading");
    return value;
  }

  Connection db_{nullptr, &sqlite3_close_v2};  // declared first: closed after the statements
  Statement insert_{nullptr, &sqlite3_finalize};
  Statement replace_{nullptr, &sqlite3_finalize};
  Statement get_{nullptr, &sqlite3_finalize};
  Statement scan_{nullptr, &sqlite3_finalize};
  Statement erase_{nullptr, &sqlite3_finalize};
};

}  // namespace

std::unique_ptr<workloads::Subject> open_raw_sqlite(std::string_view uri, bool without_rowid) {
  return std::make_unique<RawSqlite>(parse_raw_uri(uri), without_rowid);
}

}  // namespace sds::baselines
