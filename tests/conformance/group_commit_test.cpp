// Group commit: concurrent writes share transactions, and each caller still
// gets exactly its own outcome.
#include <thread>

#include "conformance.hpp"
#include "instrumented_backend.hpp"

namespace sds::test {
namespace {

using namespace std::chrono_literals;

class GroupCommit : public Conformance {
 protected:
  GroupCommit() : instrumented_uri_(instrumented(uri_)) {
    Instrumentation& watch = instrumentation();
    watch.updates = 0;
    watch.hold_next_update = false;
    watch.fail_puts_containing.clear();
    watch.fail_next_commit = false;
    watch.run_functions_twice = false;
  }

  // Opens the store, then lets `writers` threads append one patch each
  // ("patch N" at clock N) while the first commit is held back, so that the
  // others queue up as one group. Returns each writer's error code, if any.
  std::vector<std::optional<Errc>> append_as_one_group(Store& store, int writers) {
    instrumentation().updates = 0;
    instrumentation().hold_for = 300ms;
    instrumentation().hold_next_update = true;
    std::vector<std::optional<Errc>> outcomes(writers);
    std::vector<std::thread> threads;
    for (int i = 0; i < writers; ++i) {
      threads.emplace_back([&, i] {
        // Writer 0 commits first and alone; the rest queue behind it.
        if (i > 0) std::this_thread::sleep_for(50ms);
        try {
          store.append_patch(bytes("patch " + std::to_string(i)), static_cast<Clock>(i));
        } catch (const Error& error) {
          outcomes[i] = error.code();
        }
      });
    }
    for (auto& thread : threads) thread.join();
    return outcomes;
  }

  std::string instrumented_uri_;
};

TEST_P(GroupCommit, ConcurrentWritesShareOneCommit) {
  auto store = sds::open(instrumented_uri_, "doc");
  const auto outcomes = append_as_one_group(*store, 8);
  for (const auto& outcome : outcomes) EXPECT_FALSE(outcome.has_value());
  // The first writer's commit, then one for the seven that queued behind it.
  EXPECT_EQ(instrumentation().updates.load(), 2);
  EXPECT_EQ(store->load_patches_since(0).size(), 7u);  // clocks 1..7 after 0
  EXPECT_EQ(store->accumulated_bytes(), 8 * std::string("patch 0").size());
}

TEST_P(GroupCommit, OneFailingWriteFailsOnlyItsCaller) {
  auto store = sds::open(instrumented_uri_, "doc");
  instrumentation().fail_puts_containing = "patch 5";
  const auto outcomes = append_as_one_group(*store, 8);
  for (int i = 0; i < 8; ++i) {
    if (i == 5) {
      EXPECT_EQ(outcomes[i], Errc::io_error);
    } else {
      EXPECT_FALSE(outcomes[i].has_value()) << "writer " << i;
    }
  }
  EXPECT_EQ(instrumentation().updates.load(), 2);
  std::vector<std::string> stored;
  for (const Bytes& patch : store->load_patches_since(0)) stored.push_back(text(patch));
  EXPECT_EQ(stored, (std::vector<std::string>{"patch 1", "patch 2", "patch 3", "patch 4", "patch 6",
                                              "patch 7"}));
  EXPECT_EQ(store->accumulated_bytes(), 7 * std::string("patch 0").size());
  store.reset();  // the figures hold after a fresh load, too
  EXPECT_EQ(sds::open(instrumented_uri_, "doc")->accumulated_bytes(),
            7 * std::string("patch 0").size());
}

TEST_P(GroupCommit, AFailedCommitFailsEveryWriteOfItsGroup) {
  auto store = sds::open(instrumented_uri_, "doc");
  store->append_patch(bytes("before"), 100);
  instrumentation().fail_next_commit = true;
  expect_error(Errc::io_error, [&] { store->append_patch(bytes("lost"), 101); });
  EXPECT_EQ(store->load_patches_since(0).size(), 1u);
  EXPECT_EQ(store->accumulated_bytes(), 6u);
  store->append_patch(bytes("after"), 102);
  EXPECT_EQ(store->accumulated_bytes(), 11u);
}

TEST_P(GroupCommit, AWriteRunTwiceCountsOnce) {
  auto store = sds::open(instrumented_uri_, "doc");
  instrumentation().run_functions_twice = true;
  store->append_patch(bytes("12345"), 1);
  store->save_value("h", bytes("blob"));
  store->save_value("h", bytes("blob"));
  EXPECT_EQ(store->accumulated_bytes(), 5u);
  store->release_value("h");
  EXPECT_TRUE(store->load_value("h").has_value());  // two references, not four
  store->release_value("h");
  EXPECT_FALSE(store->load_value("h").has_value());
  EXPECT_TRUE(store->retain_value("missing") == false);
}

TEST_P(GroupCommit, EqualSnapshotSavesWriteNothing) {
  // Uncompressed, so that the stored record holds the poisoned text.
  auto store = sds::open(with_query(instrumented_uri_, "compression=none"), "doc");
  const Bytes snapshot = bytes(std::string(4096, 's'));
  store->save_snapshot(snapshot, 7);
  instrumentation().fail_puts_containing = "sss";  // any rewrite of it would fail
  store->save_snapshot(snapshot, 7);
  store->checkpoint(snapshot, 7);
  expect_error(Errc::io_error, [&] { store->save_snapshot(snapshot, 8); });
  EXPECT_EQ(store->snapshot_clock(), 7u);
}

}  // namespace

// A suite of Store-level schemes only has no key-value scheme to run these on.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GroupCommit);
INSTANTIATE_TEST_SUITE_P(Backends, GroupCommit, ::testing::ValuesIn(kv_backends_under_test()),
                         backend_name);

}  // namespace sds::test
