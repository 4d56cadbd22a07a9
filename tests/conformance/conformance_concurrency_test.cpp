// Every method is safe to call from several threads at once.
#include <thread>

#include "conformance.hpp"

namespace sds::test {
namespace {

constexpr int kThreads = 8;
constexpr int kPatchesPerThread = 150;
constexpr int kValuesPerThread = 20;

TEST_P(Conformance, EightThreadsAppendAndSaveValuesNothingLost) {
  auto db = open_db();
  auto shared = db->store("shared");
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto own = db->store("own-" + std::to_string(t));
      for (int i = 0; i < kPatchesPerThread; ++i) {
        const Clock clock = static_cast<Clock>(t) * kPatchesPerThread + i;
        shared->append_patch(bytes("shared " + std::to_string(clock)), clock);
        own->append_patch(bytes("own " + std::to_string(i)), i);
        if (i % 50 == 0) own->load_patches_since(0);
      }
      for (int v = 0; v < kValuesPerThread; ++v) {
        shared->save_value("common-" + std::to_string(v), bytes("common " + std::to_string(v)));
        own->save_value("own-" + std::to_string(t) + "-" + std::to_string(v), bytes("mine"));
      }
    });
  }
  for (auto& thread : threads) thread.join();

  const auto patches = shared->load_patches_since(0);
  ASSERT_EQ(patches.size(), static_cast<std::size_t>(kThreads * kPatchesPerThread) -
                                1);  // clock 0 is not "since 0"
  for (std::size_t i = 0; i < patches.size(); ++i) {
    EXPECT_EQ(text(patches[i]), "shared " + std::to_string(i + 1));
  }
  std::uint64_t expected_bytes = 0;
  for (Clock clock = 0; clock < kThreads * kPatchesPerThread; ++clock) {
    expected_bytes += ("shared " + std::to_string(clock)).size();
  }
  EXPECT_EQ(shared->accumulated_bytes(), expected_bytes);
  for (int t = 0; t < kThreads; ++t) {
    auto own = db->store("own-" + std::to_string(t));
    EXPECT_EQ(own->load_patches_since(0).size(), static_cast<std::size_t>(kPatchesPerThread) - 1);
  }
  // Each common value was saved once per thread: it takes as many releases.
  for (int v = 0; v < kValuesPerThread; ++v) {
    const std::string hash = "common-" + std::to_string(v);
    for (int t = 0; t < kThreads; ++t) {
      ASSERT_TRUE(shared->load_value(hash).has_value()) << hash << " after " << t << " releases";
      shared->release_value(hash);
    }
    EXPECT_FALSE(shared->load_value(hash).has_value());
  }
  EXPECT_EQ(db->stats().blob_count, static_cast<std::uint64_t>(kThreads * kValuesPerThread));
}

TEST_P(Conformance, CheckpointsRacingAppendsKeepTheFigureExact) {
  auto store = open_store();
  std::thread appender([&] {
    for (Clock clock = 1; clock <= 400; ++clock) store->append_patch(Bytes(10, 'p'), clock);
  });
  for (Clock at = 50; at <= 300; at += 50) store->checkpoint(bytes("s"), at);
  appender.join();
  const Clock base = *store->snapshot_clock();
  std::uint64_t expected = 0;
  for (const auto& patch : store->load_patches_since(base)) expected += patch.size();
  EXPECT_EQ(store->accumulated_bytes(), expected);
}

}  // namespace
}  // namespace sds::test
