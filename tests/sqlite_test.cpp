// What only the sqlite: backend promises: its file, and files that are not its;
// large values out of line; the layout of format 1; reader connections; the
// exclusive locking mode; its writes to the WAL.
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <thread>

#include "tests/conformance/conformance.hpp"
#include "tests/fixtures/format-1/fixture_contents.hpp"

namespace sds::test {
namespace {

namespace fs = std::filesystem;

// Opens the kv trait of sqlite:PATH directly, past the core and its handle
// cache (so never together with sds::open on the same path in one process).
std::shared_ptr<kv::Backend> open_kv(const std::string& path,
                                     std::map<std::string, std::string> params = {},
                                     bool read_only = false) {
  for (const BackendInfo& info : backend_infos()) {
    if (info.scheme != "sqlite") continue;
    BackendConfig config;
    config.uri = "sqlite:" + path;
    config.path = path;
    config.params = std::move(params);
    config.read_only = read_only;
    return info.open_kv(config);
  }
  throw std::runtime_error("no sqlite backend");
}

// A plain connection of our own, to look at the tables.
class Inspector {
 public:
  explicit Inspector(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path);
    }
  }
  ~Inspector() { sqlite3_close(db_); }
  std::int64_t integer(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db_));
    }
    const std::int64_t value =
        sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int64(statement, 0) : -1;
    sqlite3_finalize(statement);
    return value;
  }
  std::int64_t values() { return integer("SELECT count(*) FROM sds_values"); }
  // Rows of sds_values that no row of sds_kv refers to, plus rows of sds_kv
  // that refer to no row of sds_values.
  std::int64_t broken_references() {
    return integer(
               "SELECT count(*) FROM sds_values x WHERE NOT EXISTS (SELECT 1 FROM sds_kv r "
               "WHERE r.k = x.k AND typeof(r.v) = 'integer' AND r.v = x.id)") +
           integer(
               "SELECT count(*) FROM sds_kv r WHERE typeof(r.v) = 'integer' AND NOT EXISTS "
               "(SELECT 1 FROM sds_values x WHERE x.id = r.v)");
  }

 private:
  sqlite3* db_ = nullptr;
};

Bytes pattern(std::size_t size, std::uint8_t seed) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(seed + i * 7);
  return out;
}

Bytes as_bytes_of(const std::vector<std::uint8_t>& data) { return Bytes(data.begin(), data.end()); }

// A copy of what get() returned, taken before the next call invalidates it.
std::optional<Bytes> copy_of(std::optional<ByteView> value) {
  if (!value) return std::nullopt;
  return Bytes(value->begin(), value->end());
}

std::optional<Bytes> get(kv::Backend& db, std::string_view key) {
  std::optional<Bytes> out;
  db.view([&](kv::ReadTransaction& txn) {
    if (const auto value = txn.get(key)) out = Bytes(value->begin(), value->end());
  });
  return out;
}

std::map<std::string, Bytes> scan_all(kv::Backend& db) {
  std::map<std::string, Bytes> out;
  db.view([&](kv::ReadTransaction& txn) {
    txn.scan("", "", [&](std::string_view key, ByteView value) {
      out.emplace(key, Bytes(value.begin(), value.end()));
      return true;
    });
  });
  return out;
}

TEST(Sqlite, AFileThatIsNotADatabaseIsCorruption) {
  TempDir dir;
  std::ofstream(dir.path() + "/junk.db") << std::string(8192, 'j');
  const std::string message = expect_error(
      Errc::corruption, [&] { sds::open_database("sqlite:" + dir.path() + "/junk.db"); });
  EXPECT_NE(message.find("junk.db"), std::string::npos) << message;
}

TEST(Sqlite, ADatabaseOfAnotherApplicationIsLeftAlone) {
  TempDir dir;
  const std::string path = dir.path() + "/other.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE sds_snapshots (id TEXT, data BLOB)", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  expect_error(Errc::corruption, [&] { sds::open_database("sqlite:" + path); });
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &statement, nullptr);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(statement, 0), 1);  // nothing was added
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST(Sqlite, TablesOfOurColumnsCreatedByOtherStatementsAreOurs) {
  // An open reads the columns of tables whose statement is not the one this
  // build creates them with (the statement text alone says nothing more).
  TempDir dir;
  const std::string path = dir.path() + "/x.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "create table sds_kv(k blob primary key, v blob not null) without rowid;"
                         "create table sds_values(id integer primary key, k blob not null unique, "
                         "v blob not null)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = sds::open("sqlite:" + path, "doc");
  const Bytes large = as_bytes_of(fixture::random_bytes(5000, 1));  // out of line
  store->save_value("large", large);
  EXPECT_EQ(store->load_value("large"), large);
  EXPECT_EQ(Inspector(path).values(), 1);
}

TEST(Sqlite, BusyTimeoutMustBeAWholeNumberOfMilliseconds) {
  TempDir dir;
  for (const char* bad : {"-1", "100ms", "", "99999999999"}) {
    SCOPED_TRACE(bad);
    expect_error(Errc::invalid_argument,
                 [&] { sds::open_database("sqlite:" + dir.path() + "/x.db?busy_timeout=" + bad); });
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/x.db"));
}

TEST(Sqlite, OneFileInWalModeAndInMemoryDatabases) {
  TempDir dir;
  auto store = sds::open("sqlite:" + dir.path() + "/x.db", "doc");
  store->append_patch(bytes("p"), 1);
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/x.db-wal"));
  auto memory = sds::open("sqlite::memory:", "doc");
  memory->append_patch(bytes("p"), 1);
  EXPECT_EQ(memory->load_patches_since(0).size(), 1u);
  EXPECT_TRUE(sds::open("sqlite::memory:", "doc")->load_patches_since(0).empty());
  EXPECT_FALSE(memory->stats().bytes_on_disk.has_value());
}

TEST(Sqlite, AWriterHeldByAnotherConnectionIsBusyAfterTheTimeout) {
  TempDir dir;
  const std::string path = dir.path() + "/x.db";
  auto store = sds::open("sqlite:" + path + "?busy_timeout=50", "doc");
  store->append_patch(bytes("p"), 1);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  const std::string message = expect_error(Errc::busy, [&] { store->append_patch(bytes("q"), 2); });
  EXPECT_NE(message.find("busy_timeout=50ms"), std::string::npos) << message;
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  store->append_patch(bytes("q"), 2);
  EXPECT_EQ(store->load_patches_since(0).size(), 2u);
}

TEST(Sqlite, DeclaresItsParametersWithDefaults) {
  std::map<std::string, std::string> defaults;
  for (const BackendInfo& info : backend_infos()) {
    if (info.scheme != "sqlite") continue;
    for (const ParamSpec& spec : info.params) defaults[spec.name] = spec.default_value;
  }
  EXPECT_EQ(defaults, (std::map<std::string, std::string>{{"busy_timeout", "5000"},
                                                          {"locking", "normal"},
                                                          {"mmap_size", "256MiB"},
                                                          {"page_size", "4096"}}));
}

TEST(Sqlite, ValidatesItsParameters) {
  TempDir dir;
  for (const char* query : {"locking=EXCLUSIVE", "locking=", "page_size=1000", "page_size=256",
                            "page_size=131072", "mmap_size=-1", "mmap_size=lots"}) {
    SCOPED_TRACE(query);
    expect_error(Errc::invalid_argument,
                 [&] { sds::open_database("sqlite:" + dir.path() + "/x.db?" + query); });
  }
  EXPECT_FALSE(fs::exists(dir.path() + "/x.db"));
}

TEST(Sqlite, PageSizeAppliesToNewDatabasesOnly) {
  TempDir dir;
  const std::string path = dir.path() + "/x.db";
  sds::open("sqlite:" + path + "?page_size=16384&mmap_size=0", "doc")->append_patch(bytes("p"), 1);
  EXPECT_EQ(Inspector(path).integer("PRAGMA page_size"), 16384);
  auto store = sds::open("sqlite:" + path + "?page_size=8192", "doc");
  store->append_patch(bytes("q"), 2);
  EXPECT_EQ(Inspector(path).integer("PRAGMA page_size"), 16384);
  EXPECT_EQ(store->load_patches_since(0).size(), 2u);
}

TEST(Sqlite, LargeValuesLiveOutOfLineAndSmallOnesInline) {
  TempDir dir;
  const std::string path = dir.path() + "/x.db";
  auto db = open_kv(path);
  // With 4 KiB pages a row of up to 995 bytes (key and value) stays inline.
  std::map<std::string, Bytes> expected = {
      {"a", Bytes()},         {"b", pattern(200, 1)},    {"c", pattern(994, 2)},
      {"d", pattern(995, 3)}, {"e", pattern(100000, 4)}, {"f", pattern(3, 5)}};
  db->update([&](kv::WriteTransaction& txn) {
    for (const auto& [key, value] : expected) txn.put(key, value);
    // Reads in the transaction see its writes, inline or not.
    EXPECT_EQ(txn.get("e").value().size(), 100000u);
  });
  Inspector inspector(path);
  EXPECT_EQ(inspector.values(), 2);
  EXPECT_EQ(inspector.integer("SELECT count(*) FROM sds_kv WHERE typeof(v) = 'integer'"), 2);
  EXPECT_EQ(inspector.integer("SELECT count(*) FROM sds_kv WHERE typeof(v) = 'integer' AND "
                              "k IN (x'64', x'65')"),
            2);
  EXPECT_EQ(inspector.integer("SELECT length(v) FROM sds_kv WHERE k = x'63'"), 994);
  EXPECT_EQ(scan_all(*db), expected);
  for (const auto& [key, value] : expected) EXPECT_EQ(get(*db, key), value) << key;
  // A scan that stops on a value out of line, and one over a bounded range.
  std::vector<std::string> seen;
  db->view([&](kv::ReadTransaction& txn) {
    txn.scan("b", "f", [&](std::string_view key, ByteView value) {
      seen.emplace_back(key);
      EXPECT_EQ(Bytes(value.begin(), value.end()), expected.at(std::string(key)));
      return key != "e";
    });
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"b", "c", "d", "e"}));
}

TEST(Sqlite, OverwritesErasuresAndRollbacksLeaveNoOrphanValues) {
  TempDir dir;
  const std::string path = dir.path() + "/x.db";
  auto db = open_kv(path);
  Inspector inspector(path);
  const Bytes big = pattern(50000, 1);
  const Bytes other = pattern(70000, 2);
  const Bytes small = pattern(100, 3);

  // Overwrites: large over large, small over large, large over small.
  db->update([&](kv::WriteTransaction& txn) { txn.put("k", big); });
  db->update([&](kv::WriteTransaction& txn) { txn.put("k", other); });
  EXPECT_EQ(inspector.values(), 1);
  EXPECT_EQ(get(*db, "k"), other);
  db->update([&](kv::WriteTransaction& txn) { txn.put("k", small); });
  EXPECT_EQ(inspector.values(), 0);
  EXPECT_EQ(get(*db, "k"), small);
  db->update([&](kv::WriteTransaction& txn) { txn.put("k", big); });
  EXPECT_EQ(get(*db, "k"), big);
  EXPECT_EQ(inspector.values(), 1);

  // erase, and erase_range over values of both kinds.
  db->update([&](kv::WriteTransaction& txn) { txn.erase("k"); });
  EXPECT_EQ(inspector.values(), 0);
  db->update([&](kv::WriteTransaction& txn) {
    for (const char* key : {"r1", "r2", "r3", "r4"}) txn.put(key, key[1] % 2 ? big : small);
    txn.put("s", other);
    txn.erase_range("r2", "s");
    EXPECT_FALSE(txn.get("r3").has_value());
  });
  EXPECT_EQ(scan_all(*db), (std::map<std::string, Bytes>{{"r1", big}, {"s", other}}));
  EXPECT_EQ(inspector.values(), 2);
  EXPECT_EQ(inspector.broken_references(), 0);

  // A rolled-back update writes nothing, out of line included.
  EXPECT_THROW(db->update([&](kv::WriteTransaction& txn) {
    txn.put("t", big);
    txn.put("r1", small);
    txn.erase("s");
    throw std::runtime_error("no");
  }),
               std::runtime_error);
  EXPECT_EQ(scan_all(*db), (std::map<std::string, Bytes>{{"r1", big}, {"s", other}}));
  EXPECT_EQ(inspector.values(), 2);

  // A nested transaction that throws is undone; the rest commits.
  db->update([&](kv::WriteTransaction& txn) {
    txn.put("u", big);
    EXPECT_THROW(txn.nested([&](kv::WriteTransaction& nested) {
      nested.put("v", other);
      nested.put("u", other);
      nested.put("s", small);
      nested.erase("r1");
      nested.nested([&](kv::WriteTransaction& inner) { inner.put("w", big); });
      throw std::runtime_error("no");
    }),
                 std::runtime_error);
    EXPECT_EQ(copy_of(txn.get("u")), big);
    txn.nested([&](kv::WriteTransaction& nested) { nested.put("x", other); });
  });
  EXPECT_EQ(scan_all(*db),
            (std::map<std::string, Bytes>{{"r1", big}, {"s", other}, {"u", big}, {"x", other}}));
  EXPECT_EQ(inspector.values(), 4);
  EXPECT_EQ(inspector.broken_references(), 0);

  db->update([&](kv::WriteTransaction& txn) { txn.erase_range("a", "z"); });
  EXPECT_EQ(inspector.values(), 0);
  EXPECT_EQ(inspector.integer("SELECT count(*) FROM sds_kv"), 0);
}

TEST(Sqlite, AMigratedDatabaseKeepsOldValuesInlineAndWritesNewOnesOutOfLine) {
  TempDir dir;
  const std::string path = dir.path() + "/fixture.db";
  fs::copy_file(std::string(SDS_FIXTURES_DIR) + "/format-1/sqlite.db", path);
  EXPECT_EQ(Inspector(path).integer(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sds_values'"),
            0);
  auto notes = sds::open("sqlite:" + path, fixture::kNotes);
  Inspector inspector(path);
  EXPECT_EQ(inspector.integer(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sds_values'"),
            1);
  EXPECT_EQ(inspector.integer("SELECT count(*) FROM pragma_table_info('sds_kv')"), 2);
  // Nothing moved: the snapshot of format 1 is still inline.
  EXPECT_EQ(inspector.values(), 0);
  EXPECT_GT(inspector.integer("SELECT max(length(v)) FROM sds_kv"), 20000);
  notes->checkpoint(bytes(std::string(30000, 'x')), fixture::kLastPatch);  // zstd: small
  notes->save_value("sha256:new", as_bytes_of(fixture::photo()));
  notes->checkpoint(as_bytes_of(fixture::snapshot()), fixture::kLastPatch);
  EXPECT_EQ(inspector.values(), 2);  // the new snapshot and the new blob
  EXPECT_EQ(inspector.broken_references(), 0);
  EXPECT_EQ(notes->load_snapshot(), as_bytes_of(fixture::snapshot()));
}

TEST(Sqlite, CompactionMovesLargeValuesOfFormatOneOutOfLine) {
  TempDir dir;
  const std::string path = dir.path() + "/fixture.db";
  fs::copy_file(std::string(SDS_FIXTURES_DIR) + "/format-1/sqlite.db", path);
  sds::open_database("sqlite:" + path)->close();  // migrated
  EXPECT_EQ(Inspector(path).values(), 0);
  open_kv(path)->compact();  // what sdsctl compact runs
  Inspector inspector(path);
  EXPECT_EQ(inspector.values(), 2);  // the snapshot and the photo; the rest is small
  EXPECT_EQ(inspector.broken_references(), 0);
  EXPECT_LT(inspector.integer("SELECT max(length(v)) FROM sds_kv"), 1000);
  auto notes = sds::open("sqlite:" + path, fixture::kNotes);
  EXPECT_EQ(notes->load_snapshot(), as_bytes_of(fixture::snapshot()));
  EXPECT_EQ(notes->load_value(fixture::kPhoto), as_bytes_of(fixture::photo()));
  EXPECT_EQ(notes->load_value(fixture::kText), as_bytes_of(fixture::text()));
  EXPECT_EQ(notes->load_patches_since(0).size(), 5u);
}

TEST(Sqlite, AReadOnlyOpenOfFormatOneFollowsAMigrationByAnotherProcess) {
  TempDir dir;
  const std::string path = dir.path() + "/fixture.db";
  fs::copy_file(std::string(SDS_FIXTURES_DIR) + "/format-1/sqlite.db", path);
  auto reader = sds::open("sqlite:" + path, fixture::kNotes, {.read_only = true});
  EXPECT_EQ(reader->load_snapshot(), as_bytes_of(fixture::snapshot()));
  const Bytes big = as_bytes_of(fixture::random_bytes(200000, 9));
  ASSERT_TRUE(in_child([&] {
    try {
      auto writer = sds::open("sqlite:" + path, fixture::kNotes);
      writer->save_value("sha256:big", big);
      writer->checkpoint(big, fixture::kLastPatch);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "child: %s\n", error.what());
      return false;
    }
    return true;
  }));
  EXPECT_EQ(Inspector(path).values(), 2);
  EXPECT_EQ(reader->load_value("sha256:big"), big);
  EXPECT_EQ(reader->load_snapshot(), big);
}

TEST(Sqlite, ReadsDoNotWaitForAWriteInProgress) {
  TempDir dir;
  auto db = open_kv(dir.path() + "/x.db");
  db->update([&](kv::WriteTransaction& txn) { txn.put("k", bytes("old")); });
  std::future<std::optional<Bytes>> read;
  db->update([&](kv::WriteTransaction& txn) {
    txn.put("k", bytes("new"));
    // A read from another thread runs while this write holds the writer.
    read = std::async(std::launch::async, [&] { return get(*db, "k"); });
    ASSERT_EQ(read.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  });
  EXPECT_EQ(read.get(), bytes("old"));
  EXPECT_EQ(get(*db, "k"), bytes("new"));
}

TEST(Sqlite, FlushRunsWhileAReaderHoldsAnOlderSnapshot) {
  TempDir dir;
  auto db = open_kv(dir.path() + "/x.db");
  db->update([&](kv::WriteTransaction& txn) { txn.put("k", bytes("old")); });
  std::promise<void> reading, flushed;
  std::thread reader([&] {
    db->view([&](kv::ReadTransaction& txn) {
      EXPECT_EQ(txn.get("k").value().size(), 3u);
      reading.set_value();
      flushed.get_future().wait();  // the snapshot stays open meanwhile
      EXPECT_EQ(copy_of(txn.get("k")), bytes("old"));
    });
  });
  reading.get_future().wait();
  db->update([&](kv::WriteTransaction& txn) { txn.put("k", bytes("new")); });
  db->flush();  // syncs the WAL although the checkpoint cannot pass the reader
  flushed.set_value();
  reader.join();
  EXPECT_EQ(get(*db, "k"), bytes("new"));
}

TEST(Sqlite, ManyThreadsReadWhileOneWrites) {
  TempDir dir;
  auto store = sds::open("sqlite:" + dir.path() + "/x.db", "doc");
  store->save_snapshot(pattern(100000, 1), 0);
  std::atomic<bool> writing = true;
  std::thread writer([&] {
    for (Clock clock = 1; clock <= 300; ++clock) store->append_patch(pattern(200, clock), clock);
    writing = false;
  });
  std::vector<std::thread> readers;
  std::atomic<int> bad = 0;
  for (int i = 0; i < 8; ++i) {
    readers.emplace_back([&] {
      std::size_t last = 0;
      do {
        const auto patches = store->load_patches_since(0);
        if (patches.size() < last || store->load_snapshot() != pattern(100000, 1)) ++bad;
        last = patches.size();
      } while (writing);
    });
  }
  writer.join();
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(store->load_patches_since(0).size(), 300u);
}

TEST(Sqlite, ExclusiveLockingKeepsOtherProcessesOut) {
  TempDir dir;
  const std::string path = dir.path() + "/x.db";
  auto store = sds::open("sqlite:" + path + "?locking=exclusive", "doc");
  store->append_patch(bytes("p"), 1);
  EXPECT_EQ(store->load_patches_since(0).size(), 1u);
  EXPECT_TRUE(fs::exists(path + "-wal"));
  EXPECT_FALSE(fs::exists(path + "-shm"));  // no shared memory: one process
  for (const bool read_only : {false, true}) {
    EXPECT_TRUE(in_child([&] {
      try {
        sds::open_database("sqlite:" + path + "?busy_timeout=50", {.read_only = read_only});
      } catch (const Error& error) {
        return error.code() == Errc::busy;
      }
      return false;
    })) << (read_only ? "read-only" : "writable");
  }
  store->close();
  EXPECT_TRUE(in_child(
      [&] { return sds::open("sqlite:" + path, "doc")->load_patches_since(0).size() == 1; }));
  // A read-only open takes no exclusive lock: SQLite cannot, through a
  // read-only file handle.
  EXPECT_EQ(sds::open("sqlite:" + path + "?locking=exclusive", "doc", {.read_only = true})
                ->load_patches_since(0)
                .size(),
            1u);
}

// "prefix" followed by the number.
std::string numbered(const char* prefix, int number) {
  std::string key = prefix;
  key += std::to_string(number);
  return key;
}

// Write calls the process made so far (/proc/self/io): a commit's writes to
// the WAL, where nothing else writes meanwhile.
std::uint64_t write_calls() {
  std::ifstream io("/proc/self/io");
  std::string name;
  std::uint64_t value = 0;
  while (io >> name >> value) {
    if (name == "syscw:") return value;
  }
  throw std::runtime_error("/proc/self/io has no syscw line");
}

// Copies the database file and its WAL, as a process that died now would
// leave them, and opens the copy with a connection of our own: SQLite
// recovers the copy from its WAL, which holds only what reached the file.
std::map<std::string, Bytes> recovered_from_copy(const std::string& path, const TempDir& into) {
  const std::string copy = into.path() + "/copy.db";
  fs::copy_file(path, copy);
  fs::copy_file(path + "-wal", copy + "-wal");
  Inspector inspector(copy);
  EXPECT_EQ(inspector.integer("SELECT count(*) FROM pragma_integrity_check WHERE "
                              "integrity_check != 'ok'"),
            0);
  return scan_all(*open_kv(copy, {}, true));
}

// The sanitizers test whether memory is readable by writing it to a pipe of
// their own (16 bytes a call, about 30 in this test under AddressSanitizer),
// and /proc/self/io counts those writes too.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr std::uint64_t kSanitizerProbeWrites = 8;
#else
constexpr std::uint64_t kSanitizerProbeWrites = 0;
#endif

TEST(Sqlite, ACommitWritesItsFramesToTheWalInFewCalls) {
  TempDir dir;
  auto db = open_kv(dir.path() + "/x.db");
  db->update([&](kv::WriteTransaction& txn) { txn.put("first", pattern(100, 1)); });
  // A frame is a 24-byte header and a page, which SQLite writes with a call
  // each: 514 calls for the 257 pages of this value.
  std::uint64_t before = write_calls();
  db->update([&](kv::WriteTransaction& txn) { txn.put("large", pattern(1 << 20, 2)); });
  EXPECT_LE(write_calls() - before, 20u + kSanitizerProbeWrites);
  before = write_calls();
  db->update([&](kv::WriteTransaction& txn) { txn.put("small", pattern(200, 3)); });
  EXPECT_LE(write_calls() - before, 1u + kSanitizerProbeWrites);
  EXPECT_GE(write_calls() - before, 1u);
  EXPECT_EQ(get(*db, "large"), pattern(1 << 20, 2));
}

TEST(Sqlite, ACommitIsInTheWalWhenItReturns) {
  TempDir dir;
  const std::string path = dir.path() + "/x.db";
  auto db = open_kv(path);
  Inspector other(path);  // reads the files, not this process's buffers
  for (int i = 0; i < 40; ++i) {
    const std::size_t size = i % 4 == 0 ? 300000 : 100 + 40 * i;
    const Bytes value = pattern(size, static_cast<std::uint8_t>(i));
    db->update([&](kv::WriteTransaction& txn) { txn.put("k", value); });
    EXPECT_EQ(other.integer("SELECT count(*) FROM sds_kv WHERE k = x'6b' AND (typeof(v) = "
                            "'integer' OR length(v) = " +
                            std::to_string(size) + ")"),
              1);
    TempDir copy;
    EXPECT_EQ(recovered_from_copy(path, copy), (std::map<std::string, Bytes>{{"k", value}}));
  }
}

TEST(Sqlite, AProcessKilledRightAfterACommitKeepsIt) {
  TempDir dir;
  const std::string uri = "sqlite:" + dir.path() + "/x.db";
  const pid_t child = fork_child([&] {
    auto store = sds::open(uri, "doc");
    for (Clock clock = 1; clock <= 50; ++clock) store->append_patch(pattern(200, clock), clock);
    store->save_value("blob", pattern(1 << 20, 7));
    store->append_patch(pattern(200, 51), 51);
    raise(SIGKILL);  // no close, no destructor: what the process handed over
    return false;
  });
  EXPECT_EQ(wait_for(child), 128 + SIGKILL);
  auto store = sds::open(uri, "doc");
  EXPECT_EQ(store->load_patches_since(0).size(), 51u);
  EXPECT_EQ(store->load_value("blob"), pattern(1 << 20, 7));
}

TEST(Sqlite, WritesOfARolledBackTransactionNeverReachTheFileLater) {
  // A transaction larger than the page cache (2000 KiB) writes frames before
  // its commit; rolled back, they lie beyond the end of the WAL, where the
  // next writer, here another connection, writes its own over them.
  TempDir dir;
  const std::string path = dir.path() + "/x.db";
  auto db = open_kv(path);
  EXPECT_THROW(db->update([&](kv::WriteTransaction& txn) {
    for (int i = 0; i < 25; ++i) {
      txn.put(numbered("big", i), pattern(100000, static_cast<std::uint8_t>(i)));
    }
    throw std::runtime_error("rolled back");
  }),
               std::runtime_error);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "INSERT INTO sds_kv(k, v) VALUES (x'6f', zeroblob(2000000))",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(other);
  db->update([&](kv::WriteTransaction& txn) { txn.put("mine", pattern(300, 1)); });
  const std::map<std::string, Bytes> expected = {{"o", Bytes(2000000, 0)},
                                                 {"mine", pattern(300, 1)}};
  EXPECT_EQ(scan_all(*db), expected);
  TempDir copy;
  EXPECT_EQ(recovered_from_copy(path, copy), expected);
}

TEST(Sqlite, ATransactionThatRewritesItsOwnFramesIsWholeInTheWal) {
  // Larger than the page cache, and changing pages it wrote before: SQLite
  // overwrites those frames in place, then rewrites the checksums after them.
  TempDir dir;
  const std::string path = dir.path() + "/x.db";
  auto db = open_kv(path);
  std::map<std::string, Bytes> expected;
  db->update([&](kv::WriteTransaction& txn) {
    for (int round = 0; round < 2; ++round) {
      for (int i = 0; i < 40; ++i) {
        const std::string key = numbered("k", i);
        expected[key] = pattern(round == 0 ? 100000 : 500 + i, static_cast<std::uint8_t>(i));
        txn.put(key, expected[key]);
      }
    }
  });
  TempDir copy;
  EXPECT_EQ(recovered_from_copy(path, copy), expected);
  db->update([&](kv::WriteTransaction& txn) { txn.put("after", pattern(10, 1)); });
  expected["after"] = pattern(10, 1);
  TempDir second;
  EXPECT_EQ(recovered_from_copy(path, second), expected);
}

std::uintmax_t wal_bytes(const std::string& path) {
  std::error_code error;
  const std::uintmax_t size = fs::file_size(path + "-wal", error);
  return error ? 0 : size;
}

TEST(Sqlite, CheckpointCyclesKeepTheFilesAtOneSize) {
  // Without a WAL checkpoint after each prune, the WAL grows to SQLite's
  // automatic checkpoint (1000 frames, 4 MiB) over a database of 300 KiB.
  TempDir dir;
  const std::string path = dir.path() + "/x.db";
  auto store = sds::open("sqlite:" + path + "?sync=off", "doc");
  Bytes snapshot = as_bytes_of(fixture::random_bytes(256 << 10, 3));
  std::uintmax_t at_cycle_10 = 0;
  Clock clock = 0;
  for (int cycle = 1; cycle <= 150; ++cycle) {
    snapshot[static_cast<std::size_t>(cycle) * 1000] ^= 1;  // a new snapshot each time
    store->checkpoint(snapshot, clock);
    for (int i = 0; i < 16; ++i)
      store->append_patch(pattern(200, static_cast<std::uint8_t>(i)), ++clock);
    if (cycle == 10) at_cycle_10 = store->stats().bytes_on_disk.value();
  }
  const std::uintmax_t at_the_end = store->stats().bytes_on_disk.value();
  EXPECT_LE(static_cast<double>(at_the_end), 1.2 * static_cast<double>(at_cycle_10))
      << at_cycle_10 << " bytes after cycle 10, " << at_the_end << " after cycle 150";
}

TEST(Sqlite, TheWalOfALargeTransactionIsCutBack) {
  TempDir dir;
  const std::string path = dir.path() + "/x.db";
  auto db = open_kv(path);
  db->update([&](kv::WriteTransaction& txn) { txn.put("large", pattern(24 << 20, 1)); });
  EXPECT_GT(wal_bytes(path), std::uintmax_t{24} << 20);
  // The writer checkpointed after that commit; the next one starts the WAL
  // afresh and cuts it to what 4,000 frames and a few take.
  db->update([&](kv::WriteTransaction& txn) { txn.put("small", pattern(100, 2)); });
  EXPECT_LE(wal_bytes(path), 32 + 4064 * (24 + 4096u));
  EXPECT_EQ(get(*db, "large"), pattern(24 << 20, 1));
}

TEST(Sqlite, DeletingALargeValueWritesFewPages) {
  // SQLite built with SECURE_DELETE (Debian) rewrites every page a deletion
  // frees with zeros: 256 frames for a value of 1 MiB.
  TempDir dir;
  const std::string path = dir.path() + "/x.db";
  auto db = open_kv(path);
  db->update([&](kv::WriteTransaction& txn) { txn.put("large", pattern(1 << 20, 1)); });
  const std::uintmax_t before = wal_bytes(path);
  db->update([&](kv::WriteTransaction& txn) { txn.erase("large"); });
  EXPECT_LE(wal_bytes(path) - before, 16 * (24 + 4096u));
  EXPECT_FALSE(get(*db, "large").has_value());
  EXPECT_EQ(Inspector(path).values(), 0);
}

// 1 MiB that zstd cannot shrink, different for each `seed`.
Bytes incompressible_mib(std::uint64_t seed) {
  return as_bytes_of(fixture::random_bytes(std::size_t{1} << 20, seed));
}

TEST(Sqlite, LargeValuesAreCheckpointedOnAThreadOfTheirOwn) {
  // Five values of 1 MiB take the WAL past 1,000 frames in commits of 257:
  // the writer leaves the checkpoint to the thread (up to 4,000 frames), so
  // only the thread copies the WAL into the database file here.
  TempDir dir;
  const std::string path = dir.path() + "/x.db";
  auto store = sds::open("sqlite:" + path, "doc");
  for (int i = 0; i < 5; ++i) store->save_value(numbered("blob", i), incompressible_mib(i));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (fs::file_size(path) < (std::uintmax_t{5} << 20) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(fs::file_size(path), std::uintmax_t{5} << 20);
  store->flush();  // waits for a checkpoint of the thread, never fails with busy
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(store->load_value(numbered("blob", i)), incompressible_mib(i));
}

TEST(Sqlite, LargeCommitsKeepTheWalBounded) {
  TempDir dir;
  const std::string path = dir.path() + "/x.db";
  auto store = sds::open("sqlite:" + path + "?sync=off", "doc");
  std::uintmax_t largest = 0;
  for (int i = 0; i < 40; ++i) {
    store->save_value(numbered("blob", i), incompressible_mib(i));
    largest = std::max(largest, wal_bytes(path));
  }
  // The hard limit of 4,000 frames, and the commit that crosses it.
  EXPECT_LE(largest, 32 + (4000 + 300) * (24 + 4096u));
  EXPECT_EQ(store->load_value("blob7"), incompressible_mib(7));
  EXPECT_EQ(Inspector(path).integer("SELECT count(*) FROM pragma_integrity_check WHERE "
                                    "integrity_check != 'ok'"),
            0);
}

TEST(Sqlite, AForkedChildCanLetGoOfADatabaseItInherited) {
  // The parent's checkpoint thread does not exist in the child: waiting for
  // it there would never end.
  TempDir dir;
  auto store = sds::open("sqlite:" + dir.path() + "/x.db", "doc");
  for (int i = 0; i < 5; ++i) store->save_value(numbered("blob", i), incompressible_mib(i));
  const pid_t child = fork_child([&] {
    alarm(20);  // a hang ends as SIGALRM
    store.reset();
    return true;
  });
  EXPECT_EQ(wait_for(child), 0);
  EXPECT_EQ(store->load_value("blob4"), incompressible_mib(4));
}

// Whether this process maps the file at `path` (/proc/self/maps).
bool mapped(const std::string& path) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (line.size() >= path.size() &&
        line.compare(line.size() - path.size(), path.size(), path) == 0) {
      return true;
    }
  }
  return false;
}

TEST(Sqlite, TheWalIsReadThroughAMapUnlessMmapSizeIsZero) {
  for (const bool maps : {true, false}) {
    SCOPED_TRACE(maps ? "mmap_size default" : "mmap_size=0");
    TempDir dir;
    const std::string path = fs::canonical(dir.path()).string() + "/x.db";
    auto store = sds::open("sqlite:" + path + (maps ? "" : "?mmap_size=0"), "doc");
    store->save_value("blob", incompressible_mib(1));  // in the WAL, not yet checkpointed
    EXPECT_EQ(store->load_value("blob"), incompressible_mib(1));
    EXPECT_EQ(mapped(path + "-wal"), maps);
  }
}

TEST(Sqlite, ReadsThroughTheMapFollowTheWalWhereverItGoes) {
  // The WAL grows past what the map knew, starts afresh and is cut back
  // (section 16.2); every read sees what was committed last.
  TempDir dir;
  const std::string path = dir.path() + "/x.db";
  auto store = sds::open("sqlite:" + path, "doc");
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 20; ++i) {
      store->save_value(numbered("blob", i), incompressible_mib(round * 100 + i));
      EXPECT_EQ(store->load_value(numbered("blob", i)), incompressible_mib(round * 100 + i));
    }
    store->flush();
    for (int i = 0; i < 20; ++i) store->release_value(numbered("blob", i));
    store->append_patch(pattern(200, 1), static_cast<Clock>(round + 1));
    store->checkpoint(pattern(300, 2), static_cast<Clock>(round + 1));  // a range deletion
    EXPECT_EQ(store->load_patches_since(0).size(), 1u);
  }
  EXPECT_EQ(Inspector(path).integer("SELECT count(*) FROM pragma_integrity_check WHERE "
                                    "integrity_check != 'ok'"),
            0);
}

}  // namespace
}  // namespace sds::test
