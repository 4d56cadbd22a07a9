// sdsctl on the sds-node: scheme (a Store-level scheme): migration both ways
// through every key-value backend with the reference counts, and the
// read-only subcommands on the Node package's layout.
#include <gtest/gtest.h>
#include <signal.h>

#include <limits>
#include <sds/sds.hpp>
#include <string>

#include "tests/sdsctl_support.hpp"

namespace sds::test {
namespace {

class SdsctlNode : public SdsctlTest {
 protected:
  std::string node(const std::string& name) const { return "sds-node:" + path(name); }

  // A database as Node applications leave one: a store with a snapshot and
  // patches on both sides of its clock, a store of patches only (clock 0 and
  // the largest the layout holds) under a non-ASCII id, shared blobs.
  void fill_node(const std::string& uri) const {
    auto database = sds::open_database(uri);
    auto notes = database->store("notes");
    std::string big;
    for (int i = 0; i < 20000; ++i) big += "line " + std::to_string(i) + " of a snapshot\n";
    notes->append_patch(as_bytes("below the snapshot clock"), 3);
    notes->save_snapshot(as_bytes(big), 10);
    for (Clock clock = 10; clock < 20; ++clock) {
      notes->append_patch(as_bytes("patch " + std::to_string(clock)), clock);
    }
    notes->save_value("sha256:shared", as_bytes(std::string(100000, 'x')));
    notes->save_value("sha256:shared", as_bytes(std::string(100000, 'x')));
    notes->save_value("sha256:single", as_bytes("a small blob"));
    auto other = database->store("\xc3\xbcnicode/id");
    other->append_patch(as_bytes("at zero"), 0);
    other->append_patch(as_bytes("at the largest clock"),
                        static_cast<Clock>(std::numeric_limits<std::int64_t>::max()));
  }

  // Everything a database holds, through the public enumeration, as text.
  static std::string contents_of(const std::string& uri) {
    struct Recorder final : ContentsVisitor {
      std::string out;
      void store(std::string_view id) override { out += "store " + std::string(id) + "\n"; }
      void snapshot(Clock clock, ByteView data) override {
        out += "snapshot " + std::to_string(clock) + " " + std::string(as_chars(data)) + "\n";
      }
      void patch(Clock clock, ByteView data) override {
        out += "patch " + std::to_string(clock) + " " + std::string(as_chars(data)) + "\n";
      }
      void blob(std::string_view hash, std::int64_t count, ByteView data) override {
        out += "blob " + std::string(hash) + " x" + std::to_string(count) + " " +
               std::to_string(data.size()) + "\n";
      }
    } recorder;
    sds::open_database(uri, {.read_only = true})->visit_contents(recorder);
    return recorder.out;
  }
};

TEST_F(SdsctlNode, MigrationBothWaysThroughEveryKeyValueBackendKeepsEverything) {
  fill_node(node("old.db"));
  const std::string expected = contents_of(node("old.db"));
  ASSERT_NE(expected.find("blob sha256:shared x2 100000"), std::string::npos) << expected;
  int backends = 0;
  for (const BackendInfo& info : backend_infos()) {
    // A server's database has no path here: tests/postgres/sdsctl_test.cpp.
    const bool has_path = info.path_kind == PathKind::file || info.path_kind == PathKind::directory;
    if (!info.open_kv || !info.capabilities.persistent || !has_path) continue;
    ++backends;
    const std::string there = info.scheme + ":" + path("via-" + info.scheme);
    const std::string back = node("back-" + info.scheme + ".db");
    for (const auto& [from, to] : {std::pair{node("old.db"), there}, std::pair{there, back}}) {
      const Result copied = sdsctl({"copy", from, to});
      ASSERT_EQ(copied.exit_code, 0) << to << ": " << copied.err;
      EXPECT_NE(copied.out.find("2 stores"), std::string::npos) << copied.out;
      const Result verified = sdsctl({"verify", to});
      EXPECT_EQ(verified.exit_code, 0) << to << ": " << verified.out << verified.err;
      EXPECT_EQ(contents_of(to), expected) << to;
    }
  }
  EXPECT_GE(backends, 1);
  // Snapshots and blobs are compressed in the core's layout, raw in the Node one.
  auto via_sqlite = sds::open(sqlite("via-sqlite"), "notes", {.read_only = true});
  EXPECT_LT(via_sqlite->stats().snapshot_stored_bytes, via_sqlite->stats().snapshot_bytes / 4);
}

TEST_F(SdsctlNode, ReadOnlySubcommandsWorkOnTheNodeLayout) {
  fill_node(node("a.db"));
  const Result stores = sdsctl({"stores", node("a.db")});
  ASSERT_EQ(stores.exit_code, 0) << stores.err;
  EXPECT_NE(stores.out.find("notes"), std::string::npos) << stores.out;
  const Result stat = sdsctl({"stat", node("a.db"), "notes"});
  ASSERT_EQ(stat.exit_code, 0) << stat.err;
  EXPECT_NE(stat.out.find("stores       2"), std::string::npos) << stat.out;
  EXPECT_NE(stat.out.find("clocks 3 to 19"), std::string::npos) << stat.out;

  const Result verified = sdsctl({"verify", node("a.db")});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_NE(verified.out.find("not checked: records carry no checksums"), std::string::npos)
      << verified.out;
  EXPECT_NE(verified.out.find("SQLite PRAGMA integrity_check: ok"), std::string::npos)
      << verified.out;
  EXPECT_NE(verified.out.find("keeps 1 patches below its snapshot clock 10"), std::string::npos)
      << verified.out;

  ASSERT_EQ(sdsctl({"export", node("a.db"), path("a.sdsa")}).exit_code, 0);
  const Result imported = sdsctl({"import", path("a.sdsa"), node("b.db")});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(contents_of(node("b.db")), contents_of(node("a.db")));
}

TEST_F(SdsctlNode, WhatTheNodeLayoutCannotHoldIsRefusedAndNothingIsWritten) {
  fill(sqlite("binary.db"));  // a store id that is not UTF-8, a clock of 2^64-1
  const Result copied = sdsctl({"copy", sqlite("binary.db"), node("target.db")});
  EXPECT_EQ(copied.exit_code, 2) << copied.err;
  EXPECT_NE(copied.err.find("is not valid UTF-8"), std::string::npos) << copied.err;
  EXPECT_NE(copied.err.find("nothing was published"), std::string::npos) << copied.err;
  EXPECT_FALSE(std::filesystem::exists(path("target.db")));
}

TEST_F(SdsctlNode, MergeAddsTheReferenceCountsAndForceReplacesStores) {
  fill_node(node("a.db"));
  ASSERT_EQ(sdsctl({"copy", node("a.db"), node("b.db")}).exit_code, 0);
  const Result refused = sdsctl({"copy", node("a.db"), node("b.db")});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("holds 2 stores and 2 blobs already"), std::string::npos)
      << refused.err;
  const Result merged =
      sdsctl({"copy", node("a.db"), node("b.db"), "--merge", "--no-blobs", "--store", "notes"});
  EXPECT_EQ(merged.exit_code, 2) << "a store of the same id is refused by --merge";
  const Result forced = sdsctl({"copy", node("a.db"), node("b.db"), "--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  const std::string after = contents_of(node("b.db"));
  EXPECT_NE(after.find("blob sha256:shared x4 100000"), std::string::npos) << after;
  EXPECT_NE(after.find("blob sha256:single x2 "), std::string::npos) << after;
  EXPECT_EQ(sds::open(node("b.db"), "notes")->load_patches_since(0).size(), 11u);
  // Nothing of the staging is left for the Node package to find.
  EXPECT_EQ(sds::open_database(node("b.db"))->stats().store_count, 2u);
}

TEST_F(SdsctlNode, ATransferKilledMidwayLeavesTheNodeFileAsItWasAndTheNextRunCleansUp) {
  fill_big(sqlite("big.db"), 150000);
  fill_node(node("target.db"));
  const std::string before = contents_of(node("target.db"));
  const pid_t copy = start({"copy", sqlite("big.db"), node("target.db"), "--force"});
  ASSERT_TRUE(wait_for_io(copy, 8 << 20)) << "the copy ended before it could be killed";
  kill(copy, SIGKILL);
  EXPECT_EQ(wait(copy).signal, SIGKILL);
  EXPECT_EQ(contents_of(node("target.db")), before) << "the target changed";
  const Result verify = sdsctl({"verify", node("target.db")});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("an interrupted transfer"), std::string::npos) << verify.out;
  const Result again = sdsctl({"copy", sqlite("big.db"), node("target.db"), "--force"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const Result clean = sdsctl({"verify", node("target.db")});
  EXPECT_EQ(clean.exit_code, 0) << clean.out;
  EXPECT_EQ(clean.out.find("interrupted transfer"), std::string::npos) << clean.out;
  EXPECT_EQ(sds::open(node("target.db"), "big")->stats().patch_count, 150001u);
}

}  // namespace
}  // namespace sds::test
