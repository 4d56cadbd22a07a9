// An SQLite file that is not ours is refused with Errc::corruption, and left
// byte for byte as it was: no pragma runs on it before the schema is checked
// (journal_mode=WAL would rewrite bytes 18 and 19 of its header).
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/conformance/conformance.hpp"

namespace sds::test {
namespace {

// Creates `path` (rollback journal, as most applications leave it) with `sql`.
void make_file(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Foreign {
  const char* name;
  const char* sql;
};

class ForeignSqliteFile : public ::testing::TestWithParam<Foreign> {};

TEST_P(ForeignSqliteFile, IsCorruptionAndLeftUntouched) {
  TempDir dir;
  const std::string path = dir.path() + "/foreign.db";
  make_file(path, GetParam().sql);
  const std::string before = contents(path);
  ASSERT_GE(before.size(), 100u);
  ASSERT_EQ(before.substr(18, 2), std::string("\x01\x01", 2));  // a rollback journal
  for (const bool read_only : {false, true}) {
    SCOPED_TRACE(read_only ? "read-only" : "writable");
    const std::string message = expect_error(
        Errc::corruption, [&] { sds::open_database("sqlite:" + path, {.read_only = read_only}); });
    EXPECT_NE(message.find("refusing to touch it"), std::string::npos) << message;
    const std::string after = contents(path);
    EXPECT_TRUE(after == before) << "the file changed; header bytes 18-19 now " << int(after.at(18))
                                 << " " << int(after.at(19));
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
      EXPECT_FALSE(std::filesystem::exists(path + suffix)) << suffix;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Files, ForeignSqliteFile,
    ::testing::Values(
        Foreign{"OtherTables", "CREATE TABLE notes (x); INSERT INTO notes VALUES (1)"},
        Foreign{"SdsKvOfOtherColumns", "CREATE TABLE sds_kv (a BLOB, b BLOB)"},
        Foreign{"SdsKvWithAnExtraColumn",
                "CREATE TABLE sds_kv (k BLOB PRIMARY KEY, v BLOB NOT NULL, w) WITHOUT ROWID"},
        Foreign{"SdsValuesOfOtherColumns",
                "CREATE TABLE sds_kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID;"
                "CREATE TABLE sds_values (x, y)"}),
    [](const ::testing::TestParamInfo<Foreign>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace sds::test
