// What a process that dies leaves behind, and several processes at once.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <set>

#include "conformance.hpp"

namespace sds::test {
namespace {

TEST_P(DurableConformance, SigkillLosesNothingThatWasAcknowledged) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const std::string uri = uri_;
  const pid_t child = fork_child([&] {
    close(pipe_fds[0]);
    auto store = sds::open(uri, "doc");
    for (Clock clock = 1;; ++clock) {
      store->append_patch(bytes("patch " + std::to_string(clock)), clock);
      if (clock % 10 == 0) store->save_value("blob-" + std::to_string(clock), bytes("b"));
      if (write(pipe_fds[1], &clock, sizeof clock) != sizeof clock) return false;
    }
  });
  close(pipe_fds[1]);
  Clock acknowledged = 0;
  while (acknowledged < 300) {
    ASSERT_EQ(read(pipe_fds[0], &acknowledged, sizeof acknowledged),
              static_cast<ssize_t>(sizeof acknowledged));
  }
  kill(child, SIGKILL);
  EXPECT_EQ(wait_for(child), 128 + SIGKILL);
  close(pipe_fds[0]);

  auto store = open_store();
  const auto patches = store->load_patches_since(0);
  ASSERT_GE(patches.size(), acknowledged);
  for (Clock clock = 1; clock <= acknowledged; ++clock) {
    EXPECT_EQ(text(patches[clock - 1]), "patch " + std::to_string(clock));
  }
  for (Clock clock = 10; clock <= acknowledged; clock += 10) {
    EXPECT_TRUE(store->load_value("blob-" + std::to_string(clock)).has_value()) << clock;
  }
  std::uint64_t bytes_after_snapshot = 0;
  for (const auto& patch : patches) bytes_after_snapshot += patch.size();
  EXPECT_EQ(store->accumulated_bytes(), bytes_after_snapshot);  // recounted at open
}

TEST_P(MultiProcessConformance, SeveralProcessesAppendToOneStore) {
  constexpr int kProcesses = 4;
  constexpr Clock kPerProcess = 100;
  open_store()->save_value("shared", bytes("blob"));  // creates the database first
  std::vector<pid_t> children;
  const std::string uri = uri_;
  for (int p = 0; p < kProcesses; ++p) {
    children.push_back(fork_child([&, p] {
      auto store = sds::open(uri, "doc");
      for (Clock i = 0; i < kPerProcess; ++i) {
        store->append_patch(bytes(std::to_string(p)), 1 + p * kPerProcess + i);
        if (i % 25 == 0) store->save_value("shared", bytes("blob"));
      }
      return true;
    }));
  }
  for (pid_t child : children) EXPECT_EQ(wait_for(child), 0);
  auto store = open_store();
  std::set<Clock> clocks;
  store->visit_patches_since(0, [&](Clock clock, ByteView) { return clocks.insert(clock).second; });
  EXPECT_EQ(clocks.size(), kProcesses * kPerProcess);
  EXPECT_EQ(*clocks.rbegin(), kProcesses * kPerProcess);
  // 1 + 4 references per process: exactly that many releases remove it.
  for (int i = 0; i < 1 + kProcesses * 4; ++i) {
    ASSERT_TRUE(store->load_value("shared").has_value()) << "after " << i << " releases";
    store->release_value("shared");
  }
  EXPECT_FALSE(store->load_value("shared").has_value());
}

}  // namespace

// A build or a backend may have no persistent scheme, or none for several
// processes: then these suites have nothing to run.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DurableConformance);
INSTANTIATE_TEST_SUITE_P(Backends, DurableConformance,
                         ::testing::ValuesIn(persistent_backends_under_test()), backend_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(MultiProcessConformance);
INSTANTIATE_TEST_SUITE_P(Backends, MultiProcessConformance,
                         ::testing::ValuesIn(multi_process_backends_under_test()), backend_name);

}  // namespace sds::test
