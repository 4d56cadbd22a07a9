// Databases written in format 1 keep opening (tests/fixtures/format-1): read
// as they are by a read-only open, migrated to the current format by a
// writable one, and readable after that.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "core/keys.hpp"
#include "core/record.hpp"
#include "core/shared_backend.hpp"
#include "tests/conformance/conformance.hpp"
#include "tests/fixtures/format-1/fixture_contents.hpp"

namespace sds::test {
namespace {

namespace fs = std::filesystem;

struct Fixture {
  std::string name;
  std::string path;  // under tests/fixtures/format-1
  std::string scheme;
  // Files the library creates or rewrites at any open, read-only ones
  // included (SQLite's shared-memory index and empty WAL, LMDB's lock file,
  // RocksDB's lock and info log); they hold no data of the database.
  std::vector<std::string> housekeeping;
};

void PrintTo(const Fixture& fixture, std::ostream* out) { *out << fixture.name; }

std::vector<Fixture> fixtures() {
  std::vector<Fixture> out;
#ifdef SDS_WITH_SQLITE
  out.push_back({"sqlite", "sqlite.db", "sqlite", {"sqlite.db-shm", "sqlite.db-wal"}});
#endif
#ifdef SDS_WITH_LMDB
  // Written by a 64-bit build: LMDB's files hold the word size, so a 32-bit
  // build refuses it (LmdbFixture.OpensWhereItsWordSizeMatchesAndIsRefusedElsewhere).
  if (sizeof(std::size_t) == 8) out.push_back({"lmdb", "lmdb", "lmdb", {"lmdb/lock.mdb"}});
#endif
#ifdef SDS_WITH_ROCKSDB
  out.push_back({"rocksdb", "rocksdb", "rocksdb", {"rocksdb/LOCK", "rocksdb/LOG"}});
#endif
  return out;
}

Bytes to_bytes(const std::string& text) { return bytes(text); }
Bytes to_bytes(const std::vector<std::uint8_t>& data) { return Bytes(data.begin(), data.end()); }

// Every file under `dir`, by path relative to it, with its bytes.
std::map<std::string, std::string> files_under(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    out[fs::relative(entry.path(), dir).string()] =
        std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

std::uint64_t patch_bytes(std::uint64_t first, std::uint64_t last, std::uint64_t offset = 0) {
  std::uint64_t sum = 0;
  for (std::uint64_t clock = first; clock <= last; ++clock) {
    sum += fixture::patch(offset + clock).size();
  }
  return sum;
}

// The contents make_fixture.cpp wrote, read through `db`.
void expect_fixture_contents(Database& db) {
  EXPECT_EQ(db.stores(), (std::vector<std::string>{fixture::kInbox, fixture::kNotes}));
  auto notes = db.store(fixture::kNotes);
  EXPECT_EQ(notes->snapshot_clock(), fixture::kCheckpointClock);
  EXPECT_EQ(notes->load_snapshot(), to_bytes(fixture::snapshot()));
  std::vector<Clock> clocks;
  notes->visit_patches_since(0, [&](Clock clock, ByteView patch) {
    clocks.push_back(clock);
    EXPECT_EQ(Bytes(patch.begin(), patch.end()), to_bytes(fixture::patch(clock)));
    return true;
  });
  std::vector<Clock> expected;
  for (Clock clock = fixture::kCheckpointClock; clock <= fixture::kLastPatch; ++clock) {
    expected.push_back(clock);
  }
  EXPECT_EQ(clocks, expected);
  EXPECT_EQ(notes->accumulated_bytes(),
            patch_bytes(fixture::kCheckpointClock + 1, fixture::kLastPatch));
  auto inbox = db.store(fixture::kInbox);
  EXPECT_FALSE(inbox->load_snapshot().has_value());
  EXPECT_EQ(inbox->load_patches_since(0).size(), fixture::kInboxPatches);
  EXPECT_EQ(inbox->accumulated_bytes(), patch_bytes(1, fixture::kInboxPatches, 100));
  EXPECT_EQ(notes->load_value(fixture::kPhoto), to_bytes(fixture::photo()));
  EXPECT_EQ(notes->load_value(fixture::kText), to_bytes(fixture::text()));
  EXPECT_EQ(db.stats().blob_count, 2u);
}

class FormatOneFixture : public ::testing::TestWithParam<Fixture> {
 protected:
  // A copy of the fixture in a fresh directory, so that nothing changes it.
  FormatOneFixture() {
    const fs::path from = fs::path(SDS_FIXTURES_DIR) / "format-1" / GetParam().path;
    fs::copy(from, fs::path(dir_.path()) / GetParam().path, fs::copy_options::recursive);
    uri_ = GetParam().scheme + ":" + dir_.path() + "/" + GetParam().path;
  }

  TempDir dir_;
  std::string uri_;
};

TEST_P(FormatOneFixture, IsReadReadOnlyWithoutChangingAByte) {
  const auto before = files_under(dir_.path());
  {
    auto db = sds::open_database(uri_, {.read_only = true});
    EXPECT_EQ(db->stats().format_version, 1u);
    expect_fixture_contents(*db);
  }
  const auto after = files_under(dir_.path());
  const auto& housekeeping = GetParam().housekeeping;
  for (const auto& [name, contents] : after) {
    if (std::find(housekeeping.begin(), housekeeping.end(), name) != housekeeping.end()) continue;
    ASSERT_TRUE(before.contains(name)) << name << " was created";
    EXPECT_TRUE(contents == before.at(name)) << name << " changed";
  }
  if (after.contains("sqlite.db-wal")) {
    EXPECT_TRUE(after.at("sqlite.db-wal").empty());
  }
}

TEST_P(FormatOneFixture, IsMigratedByAWritableOpenAndStaysReadable) {
  {
    auto db = sds::open_database(uri_);
    EXPECT_EQ(db->stats().format_version, core::kFormatVersion);
    expect_fixture_contents(*db);
  }
  {
    auto db = sds::open_database(uri_);
    EXPECT_EQ(db->stats().format_version, core::kFormatVersion);
    expect_fixture_contents(*db);
    // Two references to the photo: the first release keeps it.
    auto notes = db->store(fixture::kNotes);
    notes->release_value(fixture::kPhoto);
    EXPECT_EQ(notes->load_value(fixture::kPhoto), to_bytes(fixture::photo()));
    // New writes in the new format, next to the old records.
    const Bytes snapshot = to_bytes(fixture::random_bytes(30000, 3));
    notes->checkpoint(snapshot, fixture::kLastPatch);
    notes->append_patch(bytes("after the migration"), fixture::kLastPatch + 1);
    notes->save_value("sha256:new", to_bytes(fixture::random_bytes(50000, 4)));
  }
  {
    auto db = sds::open_database(uri_, {.read_only = true});
    EXPECT_EQ(db->stats().format_version, core::kFormatVersion);
    auto notes = db->store(fixture::kNotes);
    EXPECT_EQ(notes->load_snapshot(), to_bytes(fixture::random_bytes(30000, 3)));
    const auto patches = notes->load_patches_since(0);
    ASSERT_EQ(patches.size(), 2u);
    EXPECT_EQ(patches[0], to_bytes(fixture::patch(fixture::kLastPatch)));
    EXPECT_EQ(patches[1], bytes("after the migration"));
    EXPECT_EQ(notes->accumulated_bytes(), std::string("after the migration").size());
    EXPECT_EQ(notes->load_value("sha256:new"), to_bytes(fixture::random_bytes(50000, 4)));
    EXPECT_EQ(notes->load_value(fixture::kText), to_bytes(fixture::text()));
  }
  // The second release of the photo deletes it.
  auto writable = sds::open(uri_, fixture::kNotes);
  writable->release_value(fixture::kPhoto);
  EXPECT_FALSE(writable->load_value(fixture::kPhoto).has_value());
}

TEST_P(FormatOneFixture, ANewerFormatIsRefusedWithAdviceToUpgrade) {
  sds::open_database(uri_)->close();
  // A record of the next version, as a later build would write it.
  const std::string key = core::keys::format();
  const std::vector<BackendInfo> infos = backend_infos();
  const auto info = std::find_if(infos.begin(), infos.end(), [&](const BackendInfo& i) {
    return i.scheme == GetParam().scheme;
  });
  ASSERT_NE(info, infos.end());
  BackendConfig config;
  config.uri = uri_;
  config.path = fs::canonical(dir_.path() + "/" + GetParam().path).string();
  info->open_kv(config)->update([&](kv::WriteTransaction& txn) {
    Bytes payload = bytes(std::string("sds-persistence\0", 16));
    for (std::uint8_t byte : {core::kFormatVersion + 1, 0u, 0u, 0u}) payload.push_back(byte);
    txn.put(key, core::encode_raw(key, payload));
  });
  for (const bool read_only : {false, true}) {
    const std::string message =
        expect_error(Errc::version, [&] { sds::open_database(uri_, {.read_only = read_only}); });
    EXPECT_NE(message.find("format " + std::to_string(core::kFormatVersion + 1)), std::string::npos)
        << message;
    EXPECT_NE(message.find("upgrade sds-persistence"), std::string::npos) << message;
  }
}

std::string name_of(const ::testing::TestParamInfo<Fixture>& info) { return info.param.name; }

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FormatOneFixture);
INSTANTIATE_TEST_SUITE_P(Backends, FormatOneFixture, ::testing::ValuesIn(fixtures()), name_of);

#ifdef SDS_WITH_LMDB
// The LMDB fixture was written by a 64-bit build: LMDB's files hold the word
// size, so a build of that size reads it, and a 32-bit build refuses it as
// such (with the way to move the data), never as damaged.
TEST(LmdbFixture, OpensWhereItsWordSizeMatchesAndIsRefusedElsewhere) {
  TempDir dir;
  fs::copy(fs::path(SDS_FIXTURES_DIR) / "format-1" / "lmdb", dir.path() + "/lmdb");
  const std::string uri = "lmdb:" + dir.path() + "/lmdb";
  if (sizeof(std::size_t) == 8) {
    EXPECT_EQ(sds::open_database(uri, {.read_only = true})->stats().format_version, 1u);
    return;
  }
  const std::string message = expect_error(Errc::version, [&] { sds::open_database(uri); });
  EXPECT_NE(message.find("64-bit build"), std::string::npos) << message;
}
#endif

}  // namespace
}  // namespace sds::test
