#include "fill.hpp"

#include <algorithm>
#include <sds/database.hpp>
#include <sds/write_batch.hpp>

namespace sds::workloads {
namespace {

// Patches per Store::write: one commit for many appends, while the batch's
// views (all of the same patch) stay small.
constexpr std::uint64_t kPatchesPerBatch = 1000;

}  // namespace

void fill_patches(const Place& place, std::string_view store_id, Clock first, std::uint64_t count,
                  ByteView patch) {
  const auto store = sds::open(place.uri_with("sync", "off"), store_id);
  const Clock end = first + count;
  for (Clock clock = first; clock < end;) {
    const Clock batch_end = std::min(end, clock + kPatchesPerBatch);
    WriteBatch batch;
    for (; clock < batch_end; ++clock) batch.append_patch(patch, clock);
    store->write(batch);
  }
}

}  // namespace sds::workloads
