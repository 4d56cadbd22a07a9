#include "fill.hpp"

#include <sds/database.hpp>

namespace sds::workloads {

void fill_patches(const Place& place, std::string_view store_id, Clock first, std::uint64_t count,
                  ByteView patch) {
  const auto store = sds::open(place.uri_with("sync", "off"), store_id);
  for (Clock clock = first; clock < first + count; ++clock) store->append_patch(patch, clock);
}

}  // namespace sds::workloads
