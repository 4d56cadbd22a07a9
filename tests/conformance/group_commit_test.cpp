// Group commit: concurrent writes share transactions, and each caller still
// gets exactly its own outcome.
#include <atomic>
#include <mutex>
#include <thread>

#include "conformance.hpp"
#include "instrumented_backend.hpp"

namespace sds::test {
namespace {

using namespace std::chrono_literals;

class GroupCommit : public Conformance {
 protected:
  GroupCommit() : instrumented_uri_(instrumented(uri_)) { instrumentation().reset(); }

  // Opens the store, then lets `writers` threads append one patch each
  // ("patch N" at clock N) while the first commit is held back, so that the
  // others queue up as one group. Returns each writer's error code, if any.
  std::vector<std::optional<Errc>> append_as_one_group(Store& store, int writers) {
    instrumentation().updates = 0;
    {
      const std::lock_guard lock(instrumentation().updating_threads_mutex);
      instrumentation().updating_threads.clear();
    }
    instrumentation().hold_for = 300ms;
    instrumentation().hold_next_update = true;
    std::vector<std::optional<Errc>> outcomes(writers);
    std::vector<std::thread> threads;
    for (int i = 0; i < writers; ++i) {
      threads.emplace_back([&, i] {
        if (i == 0) first_writer_ = std::this_thread::get_id();
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

  // The threads that ran the updates, in order.
  static std::vector<std::thread::id> updating_threads() {
    const std::lock_guard lock(instrumentation().updating_threads_mutex);
    return instrumentation().updating_threads;
  }

  std::string instrumented_uri_;
  std::thread::id first_writer_;
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

// The writes queued while a commit is in flight are committed by the thread
// that ran it, at once: no sleeping writer has to wake up first to lead them.
TEST_P(GroupCommit, TheRunningLeaderCommitsTheGroupQueuedBehindIt) {
  auto store = sds::open(instrumented_uri_, "doc");
  const auto outcomes = append_as_one_group(*store, 8);
  for (const auto& outcome : outcomes) EXPECT_FALSE(outcome.has_value());
  EXPECT_EQ(updating_threads(), (std::vector{first_writer_, first_writer_}));
}

// A group takes at most 128 writes: the 199 writers queued behind a held
// commit are committed in groups of at most 128, each write once.
TEST_P(GroupCommit, AGroupTakesAtMost128Writes) {
  auto store = sds::open(instrumented_uri_, "doc");
  constexpr int kWriters = 200;
  instrumentation().hold_for = 60s;  // until end_hold
  instrumentation().hold_next_update = true;
  std::vector<std::optional<Errc>> outcomes(kWriters);
  const auto append = [&](int i) {
    try {
      store->append_patch(bytes("patch " + std::to_string(i)), static_cast<Clock>(i));
    } catch (const Error& error) {
      outcomes[i] = error.code();
    }
  };
  std::vector<std::thread> threads;
  threads.emplace_back(append, 0);
  while (updating_threads().empty()) std::this_thread::sleep_for(1ms);  // held
  std::atomic<int> started{0};
  for (int i = 1; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      ++started;
      append(i);
    });
  }
  while (started < kWriters - 1) std::this_thread::sleep_for(1ms);
  std::this_thread::sleep_for(500ms);  // time to queue, even under a sanitizer
  instrumentation().end_hold = true;
  for (auto& thread : threads) thread.join();
  for (const auto& outcome : outcomes) EXPECT_FALSE(outcome.has_value());
  EXPECT_EQ(instrumentation().most_inserts_per_update.load(), 128);
  const std::vector<Bytes> stored = store->load_patches_since(0);  // clocks 1..199
  ASSERT_EQ(stored.size(), static_cast<std::size_t>(kWriters - 1));
  for (int i = 1; i < kWriters; ++i) EXPECT_EQ(text(stored[i - 1]), "patch " + std::to_string(i));
}

// The leader's own write failed in the first group; it still commits the
// group queued behind it, and only its own caller sees the error.
TEST_P(GroupCommit, ALeaderWhoseWriteFailedStillCommitsTheNextGroup) {
  auto store = sds::open(instrumented_uri_, "doc");
  instrumentation().fail_puts_containing = "patch 0";
  const auto outcomes = append_as_one_group(*store, 8);
  EXPECT_EQ(outcomes[0], Errc::io_error);
  for (int i = 1; i < 8; ++i) EXPECT_FALSE(outcomes[i].has_value()) << "writer " << i;
  EXPECT_EQ(updating_threads(), (std::vector{first_writer_, first_writer_}));
  EXPECT_EQ(store->load_patches_since(0).size(), 7u);
  EXPECT_EQ(store->accumulated_bytes(), 7 * std::string("patch 0").size());
}

// Every commit is slow and writers keep arriving, so a leader reaches the most
// groups it commits in a row and passes the queue on to a waiting writer.
// Every write must still be committed exactly once, none left waiting.
TEST_P(GroupCommit, WritersArrivingDuringEveryCommitAreAllCommitted) {
  auto store = sds::open(instrumented_uri_, "doc");
  instrumentation().hold_for = 20ms;
  instrumentation().hold_every_update = true;
  constexpr int kWriters = 12;
  std::vector<std::optional<Errc>> outcomes(kWriters);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      // One writer every 15 ms: each arrives while a commit (20 ms) runs.
      std::this_thread::sleep_for(i * 15ms);
      try {
        store->append_patch(bytes("patch " + std::to_string(i)), static_cast<Clock>(i + 1));
      } catch (const Error& error) {
        outcomes[i] = error.code();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& outcome : outcomes) EXPECT_FALSE(outcome.has_value());
  EXPECT_EQ(store->load_patches_since(0).size(), static_cast<std::size_t>(kWriters));
  EXPECT_EQ(store->accumulated_bytes(), kWriters * std::string("patch 0").size() + 2);
  EXPECT_LE(instrumentation().updates.load(), kWriters);
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
