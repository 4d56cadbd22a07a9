#include "core/keys.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace sds::core::keys {
namespace {

TEST(Keys, PatchKeysSortByClockNumerically) {
  const std::vector<Clock> clocks{
      0, 1, 255, 256, 1ull << 32, 1ull << 53, std::numeric_limits<Clock>::max()};
  for (std::size_t i = 1; i < clocks.size(); ++i) {
    EXPECT_LT(patch(1, clocks[i - 1]), patch(1, clocks[i]));
    EXPECT_EQ(patch_clock(patch(1, clocks[i])), clocks[i]);
  }
  EXPECT_LT(patch(1, std::numeric_limits<Clock>::max()), patches_end(1));
}

TEST(Keys, AStoresRangeHoldsOnlyItsOwnKeys) {
  for (std::uint64_t store : {1ull, 255ull, 256ull, 1ull << 40}) {
    for (const std::string& key : {meta(store), snapshot(store), patch(store, 0),
                                   patch(store, std::numeric_limits<Clock>::max())}) {
      EXPECT_GE(key, store_begin(store));
      EXPECT_LT(key, store_end(store));
      EXPECT_FALSE(key >= store_begin(store + 1) && key < store_end(store + 1));
    }
  }
}

TEST(Keys, KeysStayShortWhateverTheStoreIdOrHash) {
  EXPECT_EQ(intern(std::string(4096, 'x')).size(), 9u);
  EXPECT_NE(intern("a"), intern("ab"));
  EXPECT_NE(intern(std::string("a\0b", 3)), intern("a"));
  EXPECT_EQ(blob(std::string(256, 'h')).size(), 257u);
  EXPECT_EQ(patch(7, 9).size(), 18u);
}

TEST(Keys, BlobAndRefsRangesDoNotMix) {
  EXPECT_GE(blob(""), blobs_begin());
  EXPECT_LT(blob(std::string(256, '\xff')), blobs_end());
  EXPECT_FALSE(refs("h") >= blobs_begin() && refs("h") < blobs_end());
}

TEST(Keys, DescribeNamesRecordsReadably) {
  EXPECT_EQ(describe(patch(3, 42)), "patch at clock 42 of store #3");
  EXPECT_EQ(describe(snapshot(3)), "snapshot of store #3");
  EXPECT_EQ(describe(blob("sha\x01")), "blob 'sha\\x01'");
  EXPECT_EQ(describe(format()), "format record");
  EXPECT_THROW(patch_clock("S123"), std::exception);
}

}  // namespace
}  // namespace sds::core::keys
