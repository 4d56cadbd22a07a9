// How far an LMDB map grows when a write runs out of it, and its ceiling.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace sds::backend::lmdb {

// The map never grows past this: plenty on 64 bits; on 32 bits about what a
// process can map beside its heap and stacks. Beyond it a write is Errc::full.
inline constexpr std::uint64_t kMaxMapSize =
    sizeof(std::size_t) >= 8 ? std::uint64_t{1} << 40 : std::uint64_t{3} << 29;

// Maps grow in whole MiB.
inline constexpr std::uint64_t kGrowthGranule = std::uint64_t{1} << 20;

// The size a map of `current` bytes grows to after a transaction that wrote
// `bytes_written` ran out of it: twice the map, or more for a transaction
// larger than the map, rounded up to the granule and at most `limit`;
// nullopt when the map is at `limit` already. Never overflows, whatever the
// arguments.
std::optional<std::uint64_t> grown_map_size(std::uint64_t current, std::uint64_t bytes_written,
                                            std::uint64_t limit = kMaxMapSize);

}  // namespace sds::backend::lmdb
