// End-to-end tests of sdsctl: each runs the real binary on databases made
// here through the public API, and checks its exit code and output.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
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

// Writes an archive of `uri` to `file` in the test's directory.
class Sdsctl : public SdsctlTest {
 protected:
  Result export_to(const std::string& uri, const std::string& file) const {
    return sdsctl({"export", uri, path(file)});
  }
};

TEST_F(Sdsctl, CopyRoundTripThroughEveryPersistentBackendIsByteIdentical) {
  fill(sqlite("origin.db"));
  ASSERT_EQ(export_to(sqlite("origin.db"), "origin.sdsa").exit_code, 0);
  // sqlite -> lmdb -> rocksdb -> sqlite, through whichever this build has:
  // every persistent scheme that holds any id (the store "bin\0\xff/id";
  // sds-node: has its own migration test, tests/sdsctl_node_test.cpp).
  std::vector<std::string> chain{sqlite("origin.db")};
  for (const sds::BackendInfo& info : sds::backend_infos()) {
    // A server's database has no path here: tests/postgres/sdsctl_test.cpp.
    const bool has_path =
        info.path_kind == sds::PathKind::file || info.path_kind == sds::PathKind::directory;
    if (info.capabilities.persistent && info.capabilities.binary_ids && info.scheme != "sqlite" &&
        has_path)
      chain.push_back(info.scheme + ":" + path("via-" + info.scheme));
  }
  chain.push_back(sqlite("back.db"));
  for (std::size_t i = 1; i < chain.size(); ++i) {
    const Result copied = sdsctl({"copy", chain[i - 1], chain[i]});
    ASSERT_EQ(copied.exit_code, 0) << chain[i] << ": " << copied.err;
    EXPECT_NE(copied.out.find("2 stores"), std::string::npos) << copied.out;
    ASSERT_EQ(sdsctl({"verify", chain[i]}).exit_code, 0) << chain[i];
  }
  ASSERT_EQ(export_to(chain.back(), "back.sdsa").exit_code, 0);
  EXPECT_EQ(read_file(path("origin.sdsa")), read_file(path("back.sdsa")));
  EXPECT_EQ(sdsctl({"dump", chain.front(), "notes"}).out,
            sdsctl({"dump", chain.back(), "notes"}).out);

  // A second run into the same target is refused, and changes nothing.
  const Result again = sdsctl({"copy", chain.front(), chain.back()});
  EXPECT_EQ(again.exit_code, 2) << again.err;
  EXPECT_NE(again.err.find("holds 2 stores and 2 blobs already"), std::string::npos) << again.err;
  ASSERT_EQ(export_to(chain.back(), "again.sdsa").exit_code, 0);
  EXPECT_EQ(read_file(path("origin.sdsa")), read_file(path("again.sdsa")));
  // With --force it replaces the stores, and adds the counts: never lower.
  ASSERT_EQ(sdsctl({"copy", chain.front(), chain.back(), "--force"}).exit_code, 0);
  auto back = sds::open_database(chain.back(), {.read_only = true});
  EXPECT_EQ(back->stores().size(), 2u);
  EXPECT_EQ(back->store("notes")->load_patches_since(0).size(), 11u);
}

TEST_F(Sdsctl, CopyOfOneStoreTakesTheBlobsUnlessTold) {
  fill(sqlite("a.db"));
  ASSERT_EQ(sdsctl({"copy", sqlite("a.db"), sqlite("b.db"), "--store", "notes"}).exit_code, 0);
  auto b = sds::open_database(sqlite("b.db"), {.read_only = true});
  EXPECT_EQ(b->stores(), std::vector<std::string>{"notes"});
  EXPECT_EQ(b->stats().blob_count, 2u);
  b.reset();

  ASSERT_EQ(
      sdsctl({"copy", sqlite("a.db"), sqlite("c.db"), "--store", "notes", "--no-blobs"}).exit_code,
      0);
  EXPECT_EQ(sds::open_database(sqlite("c.db"), {.read_only = true})->stats().blob_count, 0u);

  const Result dry = sdsctl({"copy", sqlite("a.db"), sqlite("d.db"), "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0);
  EXPECT_NE(dry.out.find("would copy 2 stores"), std::string::npos) << dry.out;
  EXPECT_FALSE(fs::exists(path("d.db")));

  const Result missing = sdsctl({"copy", sqlite("a.db"), sqlite("e.db"), "--store", "nope"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("no store 'nope'"), std::string::npos) << missing.err;
}

TEST_F(Sdsctl, ExportImportRoundTripIsIdentical) {
  fill(sqlite("a.db"));
  ASSERT_EQ(export_to(sqlite("a.db"), "a.sdsa").exit_code, 0);
  const Result imported = sdsctl({"import", path("a.sdsa"), sqlite("b.db")});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  ASSERT_EQ(export_to(sqlite("b.db"), "b.sdsa").exit_code, 0);
  EXPECT_EQ(read_file(path("a.sdsa")), read_file(path("b.sdsa")));
  EXPECT_FALSE(fs::exists(path("a.sdsa.partial")));
  auto b = sds::open(sqlite("b.db"), "notes", {.read_only = true});
  EXPECT_EQ(b->snapshot_clock(), sds::Clock{10});
  EXPECT_EQ(b->load_patches_since(15).size(), 4u);
}

TEST_F(Sdsctl, DamagedArchiveIsRefusedWithItsOffset) {
  fill(sqlite("a.db"));
  ASSERT_EQ(export_to(sqlite("a.db"), "a.sdsa").exit_code, 0);
  std::string archive = read_file(path("a.sdsa"));
  {
    std::string flipped = archive;
    flipped[flipped.size() / 2] ^= 0x01;
    std::ofstream(path("flipped.sdsa"), std::ios::binary) << flipped;
  }
  std::ofstream(path("cut.sdsa"), std::ios::binary) << archive.substr(0, archive.size() - 20);
  for (const char* name : {"flipped.sdsa", "cut.sdsa"}) {
    const Result result = sdsctl({"import", path(name), sqlite("b.db")});
    EXPECT_EQ(result.exit_code, 5) << name;
    EXPECT_NE(result.err.find("is damaged at offset "), std::string::npos) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_FALSE(fs::exists(path("b.db"))) << "a damaged archive wrote something";
  }
}

TEST_F(Sdsctl, VerifyIsCleanWithANoteForPrunablePatches) {
  fill(sqlite("a.db"));
  const Result result = sdsctl({"verify", sqlite("a.db")});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("note: store 'notes' keeps 1 patches below its snapshot clock 10"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("0 problems"), std::string::npos) << result.out;
}

TEST_F(Sdsctl, VerifyFindsARecordCorruptedOnDisk) {
  fill(sqlite("a.db"));  // closed here: the WAL is checkpointed into the file
  std::string bytes = read_file(path("a.db"));
  const std::size_t at = bytes.find("PATCH-MARKER-12");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = 'Q';
  std::ofstream(path("a.db"), std::ios::binary) << bytes;
  const Result result = sdsctl({"verify", sqlite("a.db")});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("problem: patch at clock 12"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("checksum mismatch"), std::string::npos) << result.out;
  // The store's advice (what to do) is a field of the error, not part of a finding.
  EXPECT_EQ(result.out.find("sdsctl verify"), std::string::npos) << result.out;
  // copy and export refuse a damaged source instead of spreading the damage.
  EXPECT_EQ(sdsctl({"copy", sqlite("a.db"), sqlite("b.db")}).exit_code, 5);
  EXPECT_FALSE(fs::exists(path("b.db")));
  EXPECT_EQ(export_to(sqlite("a.db"), "a.sdsa").exit_code, 5);
  EXPECT_FALSE(fs::exists(path("a.sdsa")));
}

TEST_F(Sdsctl, CompactNamesTheDatabaseOnceAndSaysWhatToDo) {
  const auto schemes = sds::backends();
  if (std::find(schemes.begin(), schemes.end(), "lmdb") == schemes.end()) GTEST_SKIP();
  const std::string uri = "lmdb:" + path("env");
  sds::open(uri, "doc")->append_patch(sds::as_bytes("p"), 1);
  // Another process has the environment open: the compaction must refuse.
  int ready[2];
  int release[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(release), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ready[0]);
    close(release[1]);
    auto database = sds::open_database(uri);
    char byte = 'r';
    if (write(ready[1], &byte, 1) == 1) {
      while (read(release[0], &byte, 1) > 0) {
      }
    }
    _exit(0);
  }
  close(ready[1]);
  close(release[0]);
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  const Result result = sdsctl({"compact", uri});
  close(release[1]);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(count_of(result.err, "cannot compact"), 1) << result.err;
  EXPECT_EQ(count_of(result.err, uri), 1) << result.err;
  EXPECT_NE(result.err.find("; compact when no other process has it open"), std::string::npos)
      << result.err;
}

TEST_F(Sdsctl, ErrorsQuoteTheUri) {
  const Result result = sdsctl({"stat", sqlite("missing.db")});
  const std::string quoted = std::string(1, '\'').append(sqlite("missing.db")).append(1, '\'');
  EXPECT_NE(result.err.find(quoted), std::string::npos) << result.err;
}

TEST_F(Sdsctl, VerifyFindsBrokenReferenceCounts) {
  fill(sqlite("a.db"));
  {
    const auto opened = sds::core::open_shared_backend(sqlite("a.db"), {});
    opened.shared->kv().update([](sds::kv::WriteTransaction& txn) {
      const std::string zero = sds::core::keys::refs("sha256:single");
      txn.put(zero, sds::core::encode_raw(zero, sds::Bytes(8, 0)));
      const std::string orphan = sds::core::keys::refs("sha256:gone");
      txn.put(orphan, sds::core::encode_raw(orphan, sds::Bytes{1, 0, 0, 0, 0, 0, 0, 0}));
    });
  }
  const Result result = sdsctl({"verify", "--json", sqlite("a.db")});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const auto report = nlohmann::json::parse(result.out);
  EXPECT_EQ(report["problems"], 2);
  std::string messages;
  for (const auto& finding : report["findings"])
    messages += finding["message"].get<std::string>() + "\n";
  EXPECT_NE(messages.find("blob 'sha256:single' has reference count 0"), std::string::npos)
      << messages;
  EXPECT_NE(messages.find("'sha256:gone' without the blob's data"), std::string::npos) << messages;
}

TEST_F(Sdsctl, JsonOutputParses) {
  fill(sqlite("a.db"));
  const auto stat = nlohmann::json::parse(sdsctl({"stat", "--json", sqlite("a.db")}).out);
  EXPECT_EQ(stat["sdsctl_stat"], 1);
  EXPECT_EQ(stat["store_count"], 2);
  EXPECT_EQ(stat["blobs"]["count"], 2);
  ASSERT_EQ(stat["stores"].size(), 2u);
  EXPECT_EQ(stat["stores"][0]["id"], "bin\\x00\\xff/id");
  EXPECT_EQ(stat["stores"][0]["snapshot"], nullptr);
  EXPECT_EQ(stat["stores"][1]["snapshot"]["clock"], 10);
  EXPECT_EQ(stat["stores"][1]["patches"]["count"], 11);

  const auto one = nlohmann::json::parse(sdsctl({"stat", "--json", sqlite("a.db"), "notes"}).out);
  EXPECT_EQ(one["stores"].size(), 1u);
  const auto stores = nlohmann::json::parse(sdsctl({"stores", "--json", sqlite("a.db")}).out);
  EXPECT_EQ(stores["stores"].size(), 2u);
  const auto backends = nlohmann::json::parse(sdsctl({"backends", "--json"}).out);
  EXPECT_EQ(backends["backends"].size(), sds::backends().size());
}

TEST_F(Sdsctl, DumpListsRecordsAndWritesRawBytes) {
  fill(sqlite("a.db"));
  const Result dump = sdsctl({"dump", sqlite("a.db"), "notes"});
  EXPECT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_NE(dump.out.find("snapshot clock 10"), std::string::npos) << dump.out;
  EXPECT_NE(dump.out.find("blob 'sha256:shared' 100000 bytes"), std::string::npos) << dump.out;
  EXPECT_NE(dump.out.find("2 references"), std::string::npos) << dump.out;
  EXPECT_EQ(sdsctl({"dump", sqlite("a.db"), "notes", "--raw", "patch:12"}).out, "PATCH-MARKER-12");
  EXPECT_EQ(sdsctl({"dump", sqlite("a.db"), "notes", "--raw", "blob:sha256:single"}).out,
            "a small blob");
  EXPECT_EQ(sdsctl({"dump", sqlite("a.db"), "notes", "--raw", "patch:99"}).exit_code, 3);
  EXPECT_EQ(sdsctl({"dump", sqlite("a.db"), "notes", "--raw", "foo"}).exit_code, 2);
}

TEST_F(Sdsctl, ReadOnlySubcommandsDoNotCreateAMissingDatabase) {
  const std::string missing = sqlite("missing.db");
  for (const std::vector<std::string>& args : {std::vector<std::string>{"stat", missing},
                                               {"stores", missing},
                                               {"dump", missing, "s"},
                                               {"export", missing, path("x.sdsa")},
                                               {"compact", missing},
                                               {"verify", missing},
                                               {"salvage", missing, sqlite("y.db")},
                                               {"drop", missing, "s", "--yes"},
                                               {"prune", missing, "s", "--before", "9", "--yes"},
                                               {"release", missing, "h", "--yes"}}) {
    const Result result = sdsctl(args);
    EXPECT_EQ(result.exit_code, 3) << args[0];
    EXPECT_EQ(result.err.rfind("sdsctl: ", 0), 0u) << result.err;
    EXPECT_FALSE(fs::exists(path("missing.db"))) << args[0];
    EXPECT_FALSE(fs::exists(path("y.db"))) << args[0];
  }
}

TEST_F(Sdsctl, UsageErrorsExitTwoAndHelpWorksEverywhere) {
  EXPECT_EQ(sdsctl({}).exit_code, 2);
  EXPECT_EQ(sdsctl({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(sdsctl({"stat"}).exit_code, 2);
  EXPECT_EQ(sdsctl({"copy", "sqlite:x", "sqlite:y", "--bogus"}).exit_code, 2);
  const Result version = sdsctl({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("sdsctl ", 0), 0u) << version.out;
  for (const char* sub : {"backends", "stores", "stat", "dump", "verify", "copy", "export",
                          "import", "salvage", "compact", "drop", "prune", "release"}) {
    const Result help = sdsctl({sub, "--help"});
    EXPECT_EQ(help.exit_code, 0) << sub;
    EXPECT_NE(help.out.find("Usage"), std::string::npos) << sub << help.out;
  }
}

TEST_F(Sdsctl, ProgressIsNeverDrawnWhenStderrIsNoTerminal) {
  fill(sqlite("a.db"));
  const Result result = sdsctl({"copy", sqlite("a.db"), sqlite("b.db")});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.err, "");
}

}  // namespace
}  // namespace sds::test
