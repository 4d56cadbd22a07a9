// What only the sqlite: backend promises: its file, and files that are not its.
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "tests/conformance/conformance.hpp"

namespace sds::test {
namespace {

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

}  // namespace
}  // namespace sds::test
