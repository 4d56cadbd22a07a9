// How an LMDB map grows, up to the ceiling of the build's word size: the
// arithmetic of every growth, with the 32-bit and the 64-bit ceilings alike,
// so that a 64-bit build checks what a 32-bit device will do (filling a real
// map to its 1.5 GiB ceiling would take minutes under emulation).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>

#include "backends/lmdb/map_growth.hpp"

namespace sds::backend::lmdb {
namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
constexpr std::uint64_t k32BitCeiling = std::uint64_t{3} << 29;  // 1.5 GiB
constexpr std::uint64_t k64BitCeiling = std::uint64_t{1} << 40;

TEST(LmdbMapGrowth, TheCeilingIsTheBuildsWordSizes) {
  EXPECT_EQ(kMaxMapSize, sizeof(std::size_t) >= 8 ? k64BitCeiling : k32BitCeiling);
}

TEST(LmdbMapGrowth, AMapDoublesOrGrowsByTwiceTheTransaction) {
  EXPECT_EQ(grown_map_size(64 * kMiB, 1 * kMiB, k32BitCeiling), 128 * kMiB);
  EXPECT_EQ(grown_map_size(64 * kMiB, 100 * kMiB, k32BitCeiling), 264 * kMiB);
  EXPECT_EQ(grown_map_size(64 * kMiB + 1, 0, k32BitCeiling), 129 * kMiB);  // whole MiB
}

TEST(LmdbMapGrowth, GrowthStopsAtTheCeilingThenTheMapIsFull) {
  for (const std::uint64_t ceiling : {k32BitCeiling, k64BitCeiling}) {
    EXPECT_EQ(grown_map_size(ceiling / 2 + kMiB, 0, ceiling), ceiling);
    EXPECT_EQ(grown_map_size(ceiling - kMiB, 10 * kMiB, ceiling), ceiling);
    EXPECT_FALSE(grown_map_size(ceiling, 0, ceiling).has_value());
    EXPECT_FALSE(grown_map_size(ceiling + kMiB, 0, ceiling).has_value());
  }
}

TEST(LmdbMapGrowth, NoArgumentOverflows) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(grown_map_size(k32BitCeiling - 1, kMax, k32BitCeiling), k32BitCeiling);
  const std::optional<std::uint64_t> grown = grown_map_size(kMax / 2 + 1, 0, kMax);
  ASSERT_TRUE(grown.has_value());
  EXPECT_GT(*grown, kMax / 2 + 1);  // the largest whole MiB, not a wrapped size
  EXPECT_EQ(*grown % kMiB, 0u);
  EXPECT_FALSE(grown_map_size(kMax, kMax, kMax).has_value());
}

}  // namespace
}  // namespace sds::backend::lmdb
