#include "core/totals.hpp"

#include <limits>

#include "core/keys.hpp"
#include "core/record.hpp"

namespace sds::core {

namespace {

// Sizes come from headers nobody verified: a forged one must not wrap a total.
void add_saturating(std::uint64_t& total, std::uint64_t size) {
  const std::uint64_t room = std::numeric_limits<std::uint64_t>::max() - total;
  total += size < room ? size : room;
}

}  // namespace

PatchTotals total_patches(kv::ReadTransaction& txn, std::uint64_t store, std::optional<Clock> after,
                          std::string_view where) {
  PatchTotals totals;
  if (after == std::numeric_limits<Clock>::max()) return totals;
  const std::string from = keys::patch(store, after ? *after + 1 : 0);
  txn.scan(from, keys::patches_end(store), [&](std::string_view key, ByteView value) {
    const Clock clock = keys::patch_clock(key, where);
    add_saturating(totals.bytes, peek_raw_size(value));
    if (totals.count++ == 0) totals.first = clock;
    totals.last = clock;
    return true;
  });
  return totals;
}

BlobTotals total_blobs(kv::ReadTransaction& txn) {
  BlobTotals totals;
  txn.scan(keys::blobs_begin(), keys::blobs_end(), [&](std::string_view, ByteView value) {
    add_saturating(totals.bytes, peek_raw_size(value));
    add_saturating(totals.stored_bytes, value.size());
    ++totals.count;
    return true;
  });
  return totals;
}

}  // namespace sds::core
