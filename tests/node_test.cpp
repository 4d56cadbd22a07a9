// What only the sds-node: scheme promises: the Node package's tables, written
// and read exactly as its statements do (checked here with plain SQLite
// connections; tests/node/ runs the real Node), and no silent misread of a
// file of another layout.
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "tests/conformance/conformance.hpp"

namespace sds::test {
namespace {

// A plain SQLite connection, for writing and reading the tables as the Node
// package does: each statement on its own, no explicit transaction.
class Plain {
 public:
  explicit Plain(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("cannot open");
  }
  ~Plain() { sqlite3_close(db_); }
  sqlite3* get() const { return db_; }

  void exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      const std::string text = message ? message : "?";
      sqlite3_free(message);
      throw std::runtime_error(sql + ": " + text);
    }
  }
  // The first column of each row, as text (typeof() and the like).
  std::vector<std::string> column(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db_));
    }
    std::vector<std::string> out;
    while (sqlite3_step(statement) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(statement, 0);
      out.emplace_back(reinterpret_cast<const char*>(text),
                       static_cast<std::size_t>(sqlite3_column_bytes(statement, 0)));
    }
    sqlite3_finalize(statement);
    return out;
  }
  // Runs one of the Node package's statements with text, blob and integer
  // parameters bound as node:sqlite binds a string, a Uint8Array, a number.
  void run(const std::string& sql, const std::vector<std::string>& texts, const Bytes* data,
           std::optional<std::int64_t> number) {
    sqlite3_stmt* statement = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr), SQLITE_OK);
    int index = 1;
    for (const std::string& text : texts) {
      sqlite3_bind_text(statement, index++, text.data(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT);
    }
    if (data) {
      sqlite3_bind_blob(statement, index++, data->data(), static_cast<int>(data->size()),
                        SQLITE_TRANSIENT);
    }
    if (number) sqlite3_bind_int64(statement, index++, *number);
    EXPECT_EQ(sqlite3_step(statement), SQLITE_DONE) << sqlite3_errmsg(db_);
    sqlite3_finalize(statement);
  }

 private:
  sqlite3* db_ = nullptr;
};

constexpr const char* kNodeSchema =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
    "CREATE TABLE IF NOT EXISTS snapshots (store_id TEXT PRIMARY KEY, data BLOB NOT NULL, clock "
    "INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS patches (store_id TEXT NOT NULL, clock INTEGER NOT NULL, data "
    "BLOB NOT NULL, PRIMARY KEY (store_id, clock));"
    "CREATE TABLE IF NOT EXISTS blobs (hash TEXT PRIMARY KEY, data BLOB NOT NULL, ref_count "
    "INTEGER NOT NULL DEFAULT 0);";

class NodeLayout : public ::testing::Test {
 protected:
  std::string path() const { return dir_.path() + "/node.db"; }
  std::string uri() const { return "sds-node:" + path(); }
  TempDir dir_;
};

TEST_F(NodeLayout, WritesTheNodePackagesTablesWithTextIdsAndRawBytes) {
  {
    auto store = sds::open(uri(), "d\xc3\xb6\x63");
    store->save_snapshot(bytes(std::string(1000, 's')), 4);
    store->append_patch(bytes("p5"), 5);
    store->save_value("h\xe2\x82\xac", bytes("blob"));
    store->save_value("h\xe2\x82\xac", bytes("ignored"));
  }
  Plain plain(path());
  EXPECT_EQ(plain.column("PRAGMA journal_mode"), std::vector<std::string>{"wal"});
  EXPECT_EQ(plain.column("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
            (std::vector<std::string>{"blobs", "patches", "snapshots"}));
  EXPECT_EQ(plain.column("SELECT typeof(store_id) || ' ' || typeof(data) || ' ' || "
                         "typeof(clock) || ' ' || store_id || ' ' || length(data) || ' ' || clock "
                         "FROM snapshots"),
            std::vector<std::string>{"text blob integer d\xc3\xb6\x63 1000 4"});
  EXPECT_EQ(plain.column("SELECT typeof(store_id) || typeof(clock) || typeof(data) || ' ' || "
                         "clock || ' ' || CAST(data AS TEXT) FROM patches"),
            std::vector<std::string>{"textintegerblob 5 p5"});
  EXPECT_EQ(plain.column("SELECT typeof(hash) || ' ' || hash || ' ' || CAST(data AS TEXT) || "
                         "' ' || ref_count FROM blobs"),
            std::vector<std::string>{"text h\xe2\x82\xac blob 2"});
}

TEST_F(NodeLayout, ReadsExactlyWhatTheNodeStatementsWrote) {
  {
    Plain plain(path());
    plain.exec(kNodeSchema);
    const Bytes snapshot = bytes("state"), patch1 = bytes("one"), patch2 = bytes("two"),
                blob = bytes("blob data");
    const char* save_snapshot =
        "INSERT INTO snapshots (store_id, data, clock) VALUES (?,?,?) ON CONFLICT(store_id) DO "
        "UPDATE SET data=excluded.data, clock=excluded.clock";
    const char* append = "INSERT OR IGNORE INTO patches (store_id, clock, data) VALUES (?,?,?)";
    plain.run(save_snapshot, {"doc"}, &snapshot, 7);
    // The Node package binds (store_id, clock, data): clock before data.
    sqlite3_stmt* statement = nullptr;
    for (const auto& [clock, data] : {std::pair{8, &patch1}, std::pair{9, &patch2}}) {
      ASSERT_EQ(sqlite3_prepare_v2(plain.get(), append, -1, &statement, nullptr), SQLITE_OK);
      sqlite3_bind_text(statement, 1, "doc", 3, SQLITE_STATIC);
      sqlite3_bind_int64(statement, 2, clock);
      sqlite3_bind_blob(statement, 3, data->data(), static_cast<int>(data->size()), SQLITE_STATIC);
      EXPECT_EQ(sqlite3_step(statement), SQLITE_DONE);
      sqlite3_finalize(statement);
    }
    plain.run(
        "INSERT INTO blobs (hash, data, ref_count) VALUES (?,?,1) ON CONFLICT(hash) DO UPDATE "
        "SET ref_count = ref_count + 1",
        {"h"}, &blob, std::nullopt);
  }
  auto store = sds::open(uri(), "doc");
  EXPECT_EQ(text(*store->load_snapshot()), "state");
  EXPECT_EQ(store->snapshot_clock(), 7u);
  const auto patches = store->load_patches_since(7);
  ASSERT_EQ(patches.size(), 2u);
  EXPECT_EQ(text(patches[0]), "one");
  EXPECT_EQ(text(patches[1]), "two");
  EXPECT_EQ(store->accumulated_bytes(), 6u);  // counted from the tables
  EXPECT_EQ(text(*store->load_value("h")), "blob data");
  store->release_value("h");
  EXPECT_FALSE(store->load_value("h").has_value());  // count 1, as the Node package saved it
}

TEST_F(NodeLayout, ADatabaseOfOurOwnLayoutIsRefusedNamingIt) {
  sds::open("sqlite:" + path(), "doc")->append_patch(bytes("p"), 1);
  for (const OpenOptions options : {OpenOptions{}, OpenOptions{.read_only = true}}) {
    const std::string message =
        expect_error(Errc::corruption, [&] { sds::open_database(uri(), options); });
    EXPECT_NE(message.find("sds-persistence's own SQLite layout"), std::string::npos) << message;
    EXPECT_NE(message.find("sds_kv"), std::string::npos) << message;
    EXPECT_NE(message.find("sqlite:" + path()), std::string::npos) << message;
  }
  EXPECT_EQ(sds::open("sqlite:" + path(), "doc")->load_patches_since(0).size(), 1u);
}

TEST_F(NodeLayout, ANodeDatabaseOpenedAsSqliteIsRefusedNamingIt) {
  sds::open(uri(), "doc")->append_patch(bytes("p"), 1);
  for (const OpenOptions options : {OpenOptions{}, OpenOptions{.read_only = true}}) {
    const std::string message =
        expect_error(Errc::corruption, [&] { sds::open_database("sqlite:" + path(), options); });
    EXPECT_NE(message.find("Node package"), std::string::npos) << message;
    EXPECT_NE(message.find("tables blobs, patches, snapshots"), std::string::npos) << message;
    EXPECT_NE(message.find("sds-node:" + path()), std::string::npos) << message;
  }
  Plain plain(path());
  EXPECT_EQ(plain.column("SELECT name FROM sqlite_master WHERE name LIKE 'sds%'").size(), 0u);
}

TEST_F(NodeLayout, AnotherApplicationsDatabaseIsRefused) {
  Plain(path()).exec("CREATE TABLE notes (text TEXT)");
  const std::string message = expect_error(Errc::corruption, [&] { sds::open_database(uri()); });
  EXPECT_NE(message.find("another application (tables notes"), std::string::npos) << message;
}

TEST_F(NodeLayout, AWriterWaitsForAnotherConnectionsLockWithinItsBusyTimeout) {
  sds::open(uri(), "doc")->append_patch(bytes("first"), 1);
  Plain other(path());
  other.exec("BEGIN IMMEDIATE; INSERT INTO patches VALUES ('doc', 2, x'32')");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    other.exec("COMMIT");
  });
  auto store = sds::open(uri(), "doc");
  EXPECT_NO_THROW(store->append_patch(bytes("third"), 3));  // waited for the lock
  release.join();
  EXPECT_EQ(store->load_patches_since(0).size(), 3u);
  expect_error(Errc::invalid_argument, [&] { sds::open(uri() + "?busy_timeout=50", "doc"); });
  store.reset();  // one open file per path and process, with one busy_timeout

  other.exec("BEGIN IMMEDIATE");
  auto impatient = sds::open(uri() + "?busy_timeout=50", "doc");
  const std::string message =
      expect_error(Errc::busy, [&] { impatient->append_patch(bytes("fourth"), 4); });
  EXPECT_NE(message.find("busy_timeout=50ms"), std::string::npos) << message;
  other.exec("ROLLBACK");
}

TEST_F(NodeLayout, ACheckpointIsOneTransaction) {
  auto store = sds::open(uri(), "doc");
  for (Clock clock = 1; clock <= 5; ++clock) store->append_patch(bytes("p"), clock);
  // A reader that began before the checkpoint sees all of the old state; one
  // after it, all of the new: never a snapshot without its pruning.
  Plain reader(path());
  reader.exec("BEGIN");
  EXPECT_EQ(reader.column("SELECT count(*) FROM patches"), std::vector<std::string>{"5"});
  store->checkpoint(bytes("at 4"), 4);
  EXPECT_EQ(reader.column("SELECT count(*) FROM snapshots"), std::vector<std::string>{"0"});
  EXPECT_EQ(reader.column("SELECT count(*) FROM patches"), std::vector<std::string>{"5"});
  reader.exec("COMMIT");
  EXPECT_EQ(reader.column("SELECT count(*) || ' ' || min(clock) FROM patches"),
            std::vector<std::string>{"2 4"});
  EXPECT_EQ(reader.column("SELECT clock FROM snapshots"), std::vector<std::string>{"4"});
}

}  // namespace
}  // namespace sds::test
