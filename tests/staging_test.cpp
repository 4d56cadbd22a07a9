// The stage-then-publish step of core/staging.hpp over a kv backend: until
// publish() commits, the target is what it was; after it, what was staged.
#include "core/staging.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sds/sds.hpp>

#include "core/keys.hpp"
#include "core/open_shared_backend.hpp"
#include "core/payloads.hpp"
#include "core/record.hpp"
#include "core/suggest.hpp"
#include "tests/conformance/test_support.hpp"

namespace sds::core {
namespace {

using test::bytes;
using test::expect_error;
using test::text;

// A record as stored: raw, `data` as it is.
struct Raw {
  Bytes data;
  Record record() const { return Record{Codec::raw, data.size(), data}; }
};

Raw raw(std::string_view data) { return {Bytes(data.begin(), data.end())}; }

Bytes header(Clock clock, std::size_t raw_size) {
  Bytes payload;
  for (std::uint64_t value : {clock, std::uint64_t{raw_size}, std::uint64_t{raw_size + 17}}) {
    for (int i = 0; i < 8; ++i) payload.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  }
  return payload;
}

// A staging header of process `pid` on this host, in this boot.
StagingHeader header_of(pid_t pid) {
  StagingHeader header;
  header.pid = static_cast<std::uint64_t>(pid);
  header.token = 1;
  std::ifstream boot("/proc/sys/kernel/random/boot_id");
  std::getline(boot, header.boot_id);
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  header.host = host;
  return header;
}

std::string patch_suffix(Clock clock) {
  return keys::store_suffix({keys::StoreRecordKind::patch, clock});
}

class Staging : public ::testing::Test {
 protected:
  Staging() : uri_("memory:staging-" + std::to_string(next_++)) {
    auto store = sds::open(uri_, "kept");
    store->append_patch(bytes("old"), 1);
    store->save_value("shared", bytes("blob"));
    shared_ = open_shared_backend(uri_, {}).shared;
  }

  // Stages store "s" with a snapshot at clock 5 and two patches, and blob
  // "shared" with one reference.
  void stage(core::Staging& staging, std::string_view id = "s") {
    staging.store(id);
    const Raw snapshot = raw("snapshot");
    const Raw meta{header(5, snapshot.data.size())};
    staging.store_record(keys::store_suffix({keys::StoreRecordKind::snapshot_header, 0}),
                         meta.record());
    staging.store_record(patch_suffix(5), raw("p5").record());
    staging.store_record(patch_suffix(6), raw("p6").record());
    staging.store_record(keys::store_suffix({keys::StoreRecordKind::snapshot, 0}),
                         snapshot.record());
    staging.blob("shared", 1, raw("blob").record());
  }

  std::string uri_;
  std::shared_ptr<SharedBackend> shared_;
  static inline int next_ = 0;
};

TEST_F(Staging, NothingIsVisibleBeforePublishAndAllOfItAfter) {
  auto staging = begin_staging(shared_, TargetPolicy::merge);
  stage(*staging);
  staging->finish();
  auto database = sds::open_database(uri_);
  EXPECT_EQ(database->stores(), std::vector<std::string>{"kept"});
  const PublishReport report = staging->publish();
  EXPECT_EQ(report.stores_added, 1u);
  EXPECT_EQ(report.blobs_counted, 1u);
  EXPECT_EQ(database->stores(), (std::vector<std::string>{"kept", "s"}));
  auto s = database->store("s");
  EXPECT_EQ(s->snapshot_clock(), Clock{5});
  EXPECT_EQ(text(*s->load_snapshot()), "snapshot");
  EXPECT_EQ(s->load_patches_since(0).size(), 2u);
  // Counts were added: two releases before the blob goes.
  s->release_value("shared");
  EXPECT_TRUE(s->load_value("shared").has_value());
  s->release_value("shared");
  EXPECT_FALSE(s->load_value("shared").has_value());
  EXPECT_FALSE(find_staging(*shared_));
}

TEST_F(Staging, AbandoningLeavesTheTargetAsItWas) {
  {
    auto staging = begin_staging(shared_, TargetPolicy::replace);
    stage(*staging, "kept");
    staging->blob("z-new-blob", 1, raw("fresh").record());
    staging->finish();
    EXPECT_TRUE(find_staging(*shared_));
  }  // destroyed without publish(): abandoned
  EXPECT_FALSE(find_staging(*shared_));
  auto store = sds::open(uri_, "kept");
  EXPECT_EQ(store->load_patches_since(0).size(), 1u);
  EXPECT_FALSE(store->load_value("z-new-blob").has_value());
  bool other_keys = false;
  shared_->kv().view([&](kv::ReadTransaction& txn) {
    txn.scan(keys::staging_begin(), keys::staging_end(),
             [&](std::string_view, ByteView) { return !(other_keys = true); });
  });
  EXPECT_FALSE(other_keys);
}

TEST_F(Staging, ReplaceSwapsAStoreAndNeverLowersACount) {
  auto staging = begin_staging(shared_, TargetPolicy::replace);
  stage(*staging, "kept");
  const PublishReport report = staging->publish();
  EXPECT_EQ(report.stores_replaced, 1u);
  EXPECT_EQ(report.replaced, std::vector<std::string>{"kept"});
  auto store = sds::open(uri_, "kept");
  EXPECT_EQ(store->load_patches_since(0).size(), 2u);  // the staged ones, not "old"
  EXPECT_EQ(store->snapshot_clock(), Clock{5});
  store->release_value("shared");
  EXPECT_TRUE(store->load_value("shared").has_value());  // 1 + 1 references
}

TEST_F(Staging, PoliciesRefuseWhatTheyMustRefuse) {
  expect_error(Errc::invalid_argument, [&] { begin_staging(shared_, TargetPolicy::empty); });
  auto staging = begin_staging(shared_, TargetPolicy::merge);
  expect_error(Errc::invalid_argument, [&] { staging->store("kept"); });
}

TEST_F(Staging, WhatTheEngineCouldNotReadBackIsRefused) {
  const Raw short_header = raw("too short");
  struct Case {
    const char* name;
    std::function<void(core::Staging&)> feed;
  };
  const std::vector<Case> cases{
      {"unknown suffix",
       [](core::Staging& s) { s.store("x"), s.store_record("p123", raw("v").record()); }},
      {"empty suffix",
       [](core::Staging& s) { s.store("x"), s.store_record("", raw("v").record()); }},
      {"header payload",
       [&](core::Staging& s) {
         s.store("x");
         s.store_record("m", short_header.record());
       }},
      {"header without snapshot",
       [](core::Staging& s) {
         s.store("x");
         const Raw meta{header(1, 3)};
         s.store_record("m", meta.record());
         s.finish();
       }},
      {"patch twice",
       [](core::Staging& s) {
         s.store("x");
         s.store_record(patch_suffix(1), raw("a").record());
         s.store_record(patch_suffix(1), raw("b").record());
       }},
      {"store twice", [](core::Staging& s) { s.store("x"), s.store("x"); }},
      {"blob twice",
       [](core::Staging& s) {
         s.blob("h", 1, raw("a").record());
         s.blob("h", 1, raw("b").record());
       }},
      {"count 0", [](core::Staging& s) { s.blob("h", 0, raw("a").record()); }},
      {"record outside a store", [](core::Staging& s) { s.store_record("s", raw("a").record()); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto staging = begin_staging(shared_, TargetPolicy::merge);
    expect_error(Errc::corruption, [&] { c.feed(*staging); });
  }
  EXPECT_FALSE(find_staging(*shared_));
  EXPECT_EQ(sds::open_database(uri_)->stores(), std::vector<std::string>{"kept"});
}

TEST_F(Staging, AStagingAreaOfAGoneProcessIsRemovedByTheNext) {
  // What a SIGKILL leaves: a header naming a process that is gone, a staged
  // store's records under a number no id names, a blob's data without count.
  const pid_t gone = fork();
  if (gone == 0) _exit(0);
  waitpid(gone, nullptr, 0);
  shared_->kv().update([&](kv::WriteTransaction& txn) {
    const StagingHeader header = header_of(gone);
    const std::string head = keys::staging_header();
    txn.put(head, encode_staging_header(head, header));
    const std::string store = keys::staging_store(0);
    txn.put(store, encode_staged_store(store, {1000, "s"}));
    const std::string patch = keys::patch(1000, 1);
    txn.put(patch, encode_raw(patch, bytes("staged")));
    const std::string blob = keys::blob("z-staged");
    txn.put(blob, encode_raw(blob, bytes("data")));
    const std::string staged = keys::staging_blob("z-staged");
    txn.put(staged, encode_staged_blob(staged, {1, true}));
  });
  const auto area = find_staging(*shared_);
  ASSERT_TRUE(area);
  EXPECT_FALSE(area->running);
  EXPECT_EQ(area->stores, 1u);
  EXPECT_EQ(area->blobs, 1u);
  begin_staging(shared_, TargetPolicy::merge)->abandon();
  EXPECT_FALSE(find_staging(*shared_));
  bool left = false;
  shared_->kv().view([&](kv::ReadTransaction& txn) {
    left = txn.get(keys::patch(1000, 1)).has_value() || txn.get(keys::blob("z-staged"));
  });
  EXPECT_FALSE(left);
  EXPECT_EQ(sds::open_database(uri_)->stores(), std::vector<std::string>{"kept"});
}

TEST_F(Staging, ARunningStagingMakesAnotherBusy) {
  // A header of a live process of this host: this test's parent.
  shared_->kv().update([&](kv::WriteTransaction& txn) {
    const StagingHeader header = header_of(getppid());
    const std::string head = keys::staging_header();
    txn.put(head, encode_staging_header(head, header));
  });
  expect_error(Errc::busy, [&] { begin_staging(shared_, TargetPolicy::merge); });
  shared_->kv().update([](kv::WriteTransaction& txn) { txn.erase(keys::staging_header()); });
}

TEST(Suggest, TheClosestKnownWordOrNone) {
  const std::vector<std::string> words{"copy", "compact", "stores", "stat", "checkpoint_bytes"};
  EXPECT_EQ(closest("cpoy", words), "copy");
  EXPECT_EQ(closest("store", words), "stores");
  EXPECT_EQ(closest("chekpoint_bytes", words), "checkpoint_bytes");
  EXPECT_EQ(closest("STAT", words), "stat");
  EXPECT_EQ(closest("frobnicate", words), std::nullopt);
}

}  // namespace
}  // namespace sds::core
