#include "core/totals.hpp"

#include <limits>

#include "core/keys.hpp"
#include "core/record.hpp"

namespace sds::core {

PatchTotals total_patches(kv::ReadTransaction& txn, std::uint64_t store, std::optional<Clock> after,
                          std::string_view where) {
  PatchTotals totals;
  if (after == std::numeric_limits<Clock>::max()) return totals;
  const std::string from = keys::patch(store, after ? *after + 1 : 0);
  txn.scan(from, keys::patches_end(store), [&](std::string_view key, ByteView value) {
    const Clock clock = keys::patch_clock(key, where);
    totals.bytes += open_record(key, value, where).raw_size;
    if (totals.count++ == 0) totals.first = clock;
    totals.last = clock;
    return true;
  });
  return totals;
}

BlobTotals total_blobs(kv::ReadTransaction& txn, std::string_view where) {
  BlobTotals totals;
  txn.scan(keys::blobs_begin(), keys::blobs_end(), [&](std::string_view key, ByteView value) {
    totals.bytes += open_record(key, value, where).raw_size;
    totals.stored_bytes += value.size();
    ++totals.count;
    return true;
  });
  return totals;
}

}  // namespace sds::core
