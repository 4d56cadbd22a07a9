// Filling a store before a measurement, fast and untimed.
#pragma once

#include <cstdint>
#include <sds/types.hpp>
#include <string_view>

#include "place.hpp"

namespace sds::workloads {

// Appends `count` copies of `patch` at clocks first, first + 1, ... to the store
// `store_id`, opening the place's database under sync=off (a crash is not
// what a fill guards against) and closing it again. Appends go in batches of
// a thousand (WriteBatch), so a fill costs a fraction of the calls it replaces.
void fill_patches(const Place& place, std::string_view store_id, Clock first, std::uint64_t count,
                  ByteView patch);

}  // namespace sds::workloads
