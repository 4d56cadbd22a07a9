// The ways the earlier sdsctl lost or damaged data (CHANGELOG.md, Unreleased),
// one test each, as each was reported. Every test here failed on that sdsctl
// and passes now.
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sds/sds.hpp>
#include <string>
#include <vector>

#include "core/keys.hpp"
#include "core/open_shared_backend.hpp"
#include "core/record.hpp"
#include "tests/sdsctl_support.hpp"

namespace sds::test {
namespace {

namespace fs = std::filesystem;

// Exit codes of docs/SDSCTL.md.
constexpr int kUsage = 2;
constexpr int kCorruption = 5;
constexpr int kInterrupted = 130;

// Found 1: refreshing a backup from a damaged source wiped the backup.
TEST_F(SdsctlTest, Found1RefreshingABackupFromADamagedSourceKeepsTheBackup) {
  fill(sqlite("good.db"));
  fs::copy_file(path("good.db"), path("bad.db"));
  damage_sqlite("bad.db", "PATCH-MARKER-12");
  ASSERT_EQ(sdsctl({"copy", sqlite("good.db"), sqlite("backup.db")}).exit_code, 0);
  const std::string before = exported(sqlite("backup.db"), "before.sdsa");

  // As reported: the same command again, from the damaged source.
  const Result again = sdsctl({"copy", sqlite("bad.db"), sqlite("backup.db")});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_TRUE(exported(sqlite("backup.db"), "after.sdsa") == before) << "the contents changed";
  const Result stores = sdsctl({"stores", sqlite("backup.db")});
  EXPECT_NE(stores.out.find("notes"), std::string::npos) << stores.out;

  // Even when told to replace what is there, a damaged source changes nothing.
  const Result forced = sdsctl({"copy", sqlite("bad.db"), sqlite("backup.db"), "--force"});
  EXPECT_EQ(forced.exit_code, kCorruption) << forced.err;
  EXPECT_NE(forced.err.find("patch at clock 12"), std::string::npos) << forced.err;
  EXPECT_TRUE(exported(sqlite("backup.db"), "after-force.sdsa") == before)
      << "the contents changed";
  EXPECT_EQ(sdsctl({"verify", sqlite("backup.db")}).exit_code, 0);
}

// Found 2: a failed import wiped the destination store; a duplicate blob hash
// failed with a misleading io_error.
TEST_F(SdsctlTest, Found2AFailedImportLeavesTheDestinationAsItWas) {
  const std::string destination = uri_of("lmdb", "destination");
  fill(destination);
  const std::string before = exported(destination, "before.sdsa");
  const std::string long_suffix =
      ArchiveBuilder().store("notes").record(std::string(600, 'p'), "x").finish();
  const std::string twice = ArchiveBuilder()
                                .store("notes")
                                .patch(1, "new")
                                .blob("sha256:dup", 1, "one")
                                .blob("sha256:dup", 1, "two")
                                .finish();
  write_file(path("long-suffix.sdsa"), long_suffix);
  write_file(path("twice.sdsa"), twice);
  for (const char* archive : {"long-suffix.sdsa", "twice.sdsa"}) {
    SCOPED_TRACE(archive);
    for (const std::vector<std::string>& extra :
         {std::vector<std::string>{}, std::vector<std::string>{"--force"}}) {
      std::vector<std::string> args{"import", path(archive), destination};
      args.insert(args.end(), extra.begin(), extra.end());
      const Result result = sdsctl(args);
      EXPECT_NE(result.exit_code, 0);
      EXPECT_EQ(result.err.find("io_error"), std::string::npos) << result.err;
      EXPECT_EQ(result.err.find("reads back differently"), std::string::npos) << result.err;
      EXPECT_TRUE(exported(destination, "after.sdsa") == before) << "the contents changed";
    }
  }
  const Result twice_forced = sdsctl({"import", path("twice.sdsa"), destination, "--force"});
  EXPECT_EQ(twice_forced.exit_code, kCorruption) << twice_forced.err;
  EXPECT_NE(twice_forced.err.find("sha256:dup"), std::string::npos) << twice_forced.err;
}

// Found 3: import accepted crafted archives, said "(verified)", and left a
// store that no longer opened.
TEST_F(SdsctlTest, Found3ImportRefusesWhatTheEngineCouldNotReadBack) {
  const std::string header_of_10_bytes(10, '\0');
  struct Crafted {
    const char* name;
    std::string bytes;
  };
  const std::vector<Crafted> crafted{
      {"suffix p123", ArchiveBuilder().store("s").record("p123", "x").finish()},
      {"empty suffix", ArchiveBuilder().store("s").record("", "x").finish()},
      {"600-byte suffix", ArchiveBuilder().store("s").record(std::string(600, 'p'), "x").finish()},
      {"unknown suffix", ArchiveBuilder().store("s").record("x", "x").finish()},
      {"malformed snapshot header",
       ArchiveBuilder().store("s").record("m", header_of_10_bytes).record("s", "snap").finish()},
      {"reference count 0", ArchiveBuilder().blob("h", 0, "v").finish()},
      {"reference count -1", ArchiveBuilder().blob("h", -1, "v").finish()},
      {"a store id twice",
       ArchiveBuilder().store("s").patch(1, "a").store("s").patch(2, "b").finish()},
      {"a patch twice", ArchiveBuilder().store("s").patch(1, "a").patch(1, "b").finish()},
  };
  for (const Crafted& archive : crafted) {
    SCOPED_TRACE(archive.name);
    write_file(path("crafted.sdsa"), archive.bytes);
    const Result result = sdsctl({"import", path("crafted.sdsa"), sqlite("new.db")});
    EXPECT_EQ(result.exit_code, kCorruption) << result.out << result.err;
    EXPECT_EQ(result.out.find("verified"), std::string::npos) << result.out;
    EXPECT_FALSE(fs::exists(path("new.db")));
  }
}

// Issue 9, found 1: an archive of kilobytes with compressed patches, each
// declaring megabytes, was imported, and every read of the store then
// materialised what they declared. Patches are stored raw: import refuses it.
TEST_F(SdsctlTest, Issue9ImportRefusesACompressedPatch) {
  const core::Encoded zeros = core::compress(Bytes(4 << 20, 0), {});
  ASSERT_EQ(zeros.codec, core::Codec::zstd);
  const std::string frame(as_chars(zeros.payload));
  write_file(path("bomb.sdsa"),
             ArchiveBuilder()
                 .store("s")
                 .patch(1, "a real patch")
                 .record(core::keys::store_suffix({core::keys::StoreRecordKind::patch, 2}), frame,
                         1, zeros.raw_size)
                 .finish());
  const Result result = sdsctl({"import", path("bomb.sdsa"), sqlite("new.db")});
  EXPECT_EQ(result.exit_code, kCorruption) << result.out << result.err;
  EXPECT_FALSE(fs::exists(path("new.db")));
}

// Found 4: a copy between two hard links of one SQLite file destroyed it.
TEST_F(SdsctlTest, Found4CopyBetweenHardLinksOfOneFileIsRefused) {
  fill(sqlite("a.db"));
  const std::string before = exported(sqlite("a.db"), "before.sdsa");
  fs::create_hard_link(path("a.db"), path("b.db"));
  // As reported, then with --force: the file must survive both.
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{}, std::vector<std::string>{"--force"}}) {
    std::vector<std::string> args{"copy", sqlite("a.db"), sqlite("b.db")};
    args.insert(args.end(), extra.begin(), extra.end());
    const Result result = sdsctl(args);
    EXPECT_EQ(result.exit_code, kUsage) << result.err;
    EXPECT_NE(result.err.find("same database"), std::string::npos) << result.err;
    EXPECT_TRUE(exported(sqlite("a.db"), "after.sdsa") == before) << "the contents changed";
    EXPECT_EQ(sdsctl({"verify", sqlite("a.db")}).exit_code, 0);
  }
}

// Found 5: an interrupted copy left a partial store that verify called clean.
TEST_F(SdsctlTest, Found5AnInterruptedCopyLeavesNoPartialStore) {
  fill_big(sqlite("big.db"), 150000);
  const std::string target = uri_of("lmdb", "target");
  const pid_t copy = start({"copy", sqlite("big.db"), target});
  ASSERT_TRUE(wait_for_io(copy, 8 << 20)) << "the copy ended before it could be interrupted";
  kill(copy, SIGINT);
  const Result result = wait(copy);
  EXPECT_EQ(result.exit_code, kInterrupted) << result.err;
  EXPECT_NE(result.err.find("interrupted"), std::string::npos) << result.err;
  // Nothing was published: the target is not there, or holds no store.
  if (fs::exists(path("target"))) {
    const Result stores = sdsctl({"stores", "--json", target});
    EXPECT_EQ(nlohmann::json::parse(stores.out)["stores"].size(), 0u) << stores.out;
  }
}

// Found 5: an interrupted export left a *.partial file.
TEST_F(SdsctlTest, Found5AnInterruptedExportLeavesNoFile) {
  fill_big(sqlite("big.db"), 150000);
  const pid_t exporter = start({"export", sqlite("big.db"), path("big.sdsa")});
  ASSERT_TRUE(wait_for_io(exporter, 8 << 20)) << "the export ended before it could be interrupted";
  kill(exporter, SIGINT);
  const Result result = wait(exporter);
  EXPECT_EQ(result.exit_code, kInterrupted) << result.err;
  EXPECT_FALSE(fs::exists(path("big.sdsa")));
  EXPECT_FALSE(fs::exists(path("big.sdsa.partial")));
}

// Found 5: a failed copy --store created an empty, formatted target.
TEST_F(SdsctlTest, Found5AFailedCopyCreatesNoTarget) {
  fill(sqlite("a.db"));
  const Result result = sdsctl({"copy", sqlite("a.db"), sqlite("b.db"), "--store", "nope"});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_FALSE(fs::exists(path("b.db")));
  EXPECT_FALSE(fs::exists(path("b.db-wal")));
}

// Found 6: a copy into a target that referenced a blob already set its count
// too low, so a later release deleted a blob still in use.
TEST_F(SdsctlTest, Found6CopyNeverLowersAReferenceCount) {
  for (const auto& [name, store] : {std::pair<const char*, const char*>{"target.db", "mine"},
                                    std::pair<const char*, const char*>{"source.db", "theirs"}}) {
    auto opened = sds::open(sqlite(name), store);
    opened->append_patch(sds::as_bytes("uses the blob"), 1);
    opened->save_value("sha256:common", sds::as_bytes("shared"));
  }
  const Result plain = sdsctl({"copy", sqlite("source.db"), sqlite("target.db")});
  EXPECT_EQ(plain.exit_code, kUsage) << plain.err;
  EXPECT_NE(plain.err.find("--merge"), std::string::npos) << plain.err;

  const Result merged = sdsctl({"copy", sqlite("source.db"), sqlite("target.db"), "--merge"});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  auto target = sds::open_database(sqlite("target.db"));
  EXPECT_EQ(target->stores(), (std::vector<std::string>{"mine", "theirs"}));
  // Both stores reference the blob: one release by each leaves it, then none.
  target->store("mine")->release_value("sha256:common");
  EXPECT_TRUE(target->store("theirs")->load_value("sha256:common").has_value());
  target->store("theirs")->release_value("sha256:common");
  EXPECT_FALSE(target->store("theirs")->load_value("sha256:common").has_value());
}

// Found 7: one damaged record made stat, stores, export and copy all fail,
// and there was nothing like `sqlite3 .recover`.
TEST_F(SdsctlTest, Found7SalvageCopiesEveryRecordThatIsReadable) {
  fill(sqlite("a.db"));
  {
    const auto opened = sds::core::open_shared_backend(sqlite("a.db"), {});
    opened.shared->kv().update([](sds::kv::WriteTransaction& txn) {
      txn.erase(sds::core::keys::refs("sha256:single"));  // a lost count record
    });
  }
  damage_sqlite("a.db", "PATCH-MARKER-12");
  EXPECT_NE(sdsctl({"export", sqlite("a.db"), path("a.sdsa")}).exit_code, 0);

  const Result salvaged = sdsctl({"salvage", sqlite("a.db"), sqlite("b.db")});
  EXPECT_EQ(salvaged.exit_code, 1) << salvaged.err;  // something was left behind
  EXPECT_NE(salvaged.out.find("patch at clock 12"), std::string::npos) << salvaged.out;
  EXPECT_NE(salvaged.out.find("checksum mismatch"), std::string::npos) << salvaged.out;
  EXPECT_NE(salvaged.out.find("sha256:single"), std::string::npos) << salvaged.out;
  EXPECT_EQ(sdsctl({"verify", sqlite("b.db")}).exit_code, 0);
  auto b = sds::open_database(sqlite("b.db"), {.read_only = true});
  EXPECT_EQ(b->stores().size(), 2u);
  {
    auto notes = b->store("notes");
    EXPECT_EQ(notes->snapshot_clock(), sds::Clock{10});
    EXPECT_EQ(notes->load_patches_since(0).size(), 10u);  // 11 but the damaged one
    EXPECT_EQ(notes->stats().blob_count, 2u);
  }
  b.reset();
  // The blob that lost its count got 1, and is listed.
  auto writable = sds::open_database(sqlite("b.db"));
  writable->store("notes")->release_value("sha256:single");
  EXPECT_FALSE(writable->store("notes")->load_value("sha256:single").has_value());
}

// Found 8: `stores` printed ids escaped, but nothing accepted that form back.
TEST_F(SdsctlTest, Found8EscapedIdsAreAcceptedBack) {
  fill(sqlite("a.db"));
  const Result stores = sdsctl({"stores", sqlite("a.db")});
  const std::string escaped = "bin\\x00\\xff/id";
  ASSERT_NE(stores.out.find(escaped), std::string::npos) << stores.out;
  const Result dump = sdsctl({"dump", sqlite("a.db"), escaped});
  EXPECT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_NE(dump.out.find("clock 18446744073709551615"), std::string::npos) << dump.out;
  EXPECT_EQ(
      sdsctl({"dump", sqlite("a.db"), escaped, "--raw", "patch:0", "-o", path("raw")}).exit_code,
      0);
  EXPECT_EQ(read_file(path("raw")), "only a patch");
  EXPECT_EQ(sdsctl({"stat", sqlite("a.db"), escaped}).exit_code, 0);
  const Result copied = sdsctl({"copy", sqlite("a.db"), sqlite("b.db"), "--store", escaped});
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  EXPECT_EQ(sds::open_database(sqlite("b.db"))->stores(),
            std::vector<std::string>{std::string("bin\0\xff/id", 8)});
}

}  // namespace
}  // namespace sds::test
