// The files a read-only open of an SQLite file leaves (docs/DESIGN.md
// section 11.7) beside other connections: -wal and -shm left by a read-only
// connection of another program (or of an earlier release of sdsctl) are
// removed by the next read-only close, and those of a live writer stay until
// that writer's own close removes them.
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "tests/conformance/conformance.hpp"
#include "tests/reliability/file_tree.hpp"
#include "tests/reliability/reliability_report.hpp"

namespace sds::test {
namespace {

namespace fs = std::filesystem;

bool has_wal_files(const std::string& path) {
  return fs::exists(path + "-wal") || fs::exists(path + "-shm");
}

TEST(SecuritySqlite, ReadOnlyOpensRemoveWhatAnEarlierReaderLeft) {
  ReliabilityReport report("security_sqlite_leftovers");
  TempDir dir;
  const std::string path = dir.path() + "/test.db";
  open("sqlite:" + path, "doc")->append_patch(bytes("patch"), 1);
  const FileTree clean = file_tree(dir.path());
  // A read-only connection of SQLite itself leaves an empty -wal and a -shm.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "SELECT count(*) FROM sds_kv", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  ASSERT_TRUE(has_wal_files(path)) << "SQLite no longer leaves them: this test is moot";
  open("sqlite:" + path, "doc", {.read_only = true})->load_patches_since(0);
  report.count("opens_checked");
  if (file_tree(dir.path()) != clean) {
    report.violation("after the read-only open:" + describe(file_tree(dir.path())) +
                     ", before the reader:" + describe(clean));
  }
  report.print();
}

TEST(SecuritySqlite, AReadOnlyOpenBesideALiveWriterLeavesItsFilesToIt) {
  ReliabilityReport report("security_sqlite_live_writer");
  TempDir dir;
  const std::string uri = "sqlite:" + dir.path() + "/test.db";
  const std::string path = dir.path() + "/test.db";
  open(uri, "doc")->append_patch(bytes("patch"), 1);
  const std::uint64_t database_bytes = fingerprint(path);
  int opened[2];
  int done[2];
  ASSERT_EQ(pipe(opened), 0);
  ASSERT_EQ(pipe(done), 0);
  const pid_t writer = fork_child([&] {
    close(opened[0]);
    close(done[1]);
    auto store = open(uri, "doc");
    store->append_patch(bytes("from the writer"), 2);
    char byte = 1;
    if (write(opened[1], &byte, 1) != 1) return false;
    return read(done[0], &byte, 1) == 0;  // until the parent closes its end
  });
  close(opened[1]);
  close(done[0]);
  char byte = 0;
  ASSERT_EQ(read(opened[0], &byte, 1), 1);
  {
    auto store = open(uri, "doc", {.read_only = true});
    if (store->load_patches_since(0).size() != 2) report.violation("the writer's patch is unseen");
  }
  report.count("opens_checked");
  // The writer still has the file: SQLite needs its -wal and -shm.
  if (!has_wal_files(path)) report.violation("a live writer's WAL files were removed");
  close(done[1]);
  EXPECT_EQ(wait_for(writer), 0);
  close(opened[0]);
  // The writer's close, the last one, checkpointed and removed them.
  if (has_wal_files(path)) report.violation("-wal or -shm left after the last close");
  if (fingerprint(path) == database_bytes) report.violation("the writer's commit is missing");
  report.print();
}

}  // namespace
}  // namespace sds::test
