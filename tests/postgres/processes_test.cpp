// Two processes, each on its own connection, writing one store and one blob
// at once (label `reliability`): nothing of either is lost, and the blob's
// reference count is exact, which only the serializable transactions rerun on
// conflict make true across machines (docs/DESIGN.md section 8.6).
#include <gtest/gtest.h>

#include <sds/sds.hpp>
#include <set>

#include "tests/conformance/test_support.hpp"
#include "tests/postgres/server.hpp"

namespace sds::test {
namespace {

constexpr int kPatchesEach = 150;
constexpr int kSavesEach = 40;

TEST(PostgresProcesses, TwoProcessesAppendToOneStoreAndCountOneBlob) {
  const std::string uri = pg::server_uri("sync=full");
  sds::open_database(uri);  // creates the table, so that the children race on rows only
  std::vector<pid_t> children;
  for (int child = 0; child < 2; ++child) {
    children.push_back(fork_child([&uri, child] {
      auto store = sds::open(uri, "shared");
      for (int i = 0; i < kPatchesEach; ++i) {
        const Clock clock = static_cast<Clock>(2 * i + child + 1);  // odd and even clocks
        store->append_patch(bytes("patch " + std::to_string(clock)), clock);
        if (i < kSavesEach) store->save_value("blob", bytes("shared value"));
      }
      // Both write clock 1000: the first wins, the other's is dropped.
      store->append_patch(bytes("child " + std::to_string(child)), 1000);
      return true;
    }));
  }
  for (const pid_t pid : children) EXPECT_EQ(wait_for(pid), 0);

  auto store = sds::open(uri, "shared");
  std::set<Clock> clocks;
  std::size_t count = 0;
  store->visit_patches_since(0, [&](Clock clock, ByteView patch) {
    ++count;
    clocks.insert(clock);
    if (clock != 1000) EXPECT_EQ(text(patch), "patch " + std::to_string(clock));
    return true;
  });
  EXPECT_EQ(count, 2u * kPatchesEach + 1);
  EXPECT_EQ(clocks.size(), 2u * kPatchesEach + 1);
  // 2 * kSavesEach references: all but one released, the value is still there.
  for (int i = 0; i < 2 * kSavesEach - 1; ++i) store->release_value("blob");
  ASSERT_TRUE(store->load_value("blob").has_value());
  store->release_value("blob");
  EXPECT_FALSE(store->load_value("blob").has_value());
}

}  // namespace
}  // namespace sds::test
