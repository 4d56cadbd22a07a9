#include "backends/lmdb/map_growth.hpp"

#include <algorithm>
#include <limits>

namespace sds::backend::lmdb {
namespace {

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return a > std::numeric_limits<std::uint64_t>::max() - b
             ? std::numeric_limits<std::uint64_t>::max()
             : a + b;
}

}  // namespace

std::optional<std::uint64_t> grown_map_size(std::uint64_t current, std::uint64_t bytes_written,
                                            std::uint64_t limit) {
  if (current >= limit) return std::nullopt;
  const std::uint64_t wanted =
      std::max(saturating_add(current, current),
               saturating_add(current, saturating_add(bytes_written, bytes_written)));
  // Rounded up to the granule, unless that passes the limit anyway.
  const std::uint64_t rounded = wanted > limit
                                    ? limit
                                    : std::min(limit, saturating_add(wanted, kGrowthGranule - 1) /
                                                          kGrowthGranule * kGrowthGranule);
  return rounded;
}

}  // namespace sds::backend::lmdb
