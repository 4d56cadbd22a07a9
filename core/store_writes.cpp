#include "core/store_writes.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "core/catalog.hpp"
#include "core/keys.hpp"
#include "core/kill_points.hpp"
#include "core/limits.hpp"
#include "core/payloads.hpp"
#include "sds/error.hpp"

namespace sds::core {
namespace {

std::optional<SnapshotHeader> read_snapshot_header(kv::ReadTransaction& txn, std::uint64_t store,
                                                   std::string_view where) {
  const std::string key = keys::meta(store);
  const auto stored = txn.get(key);
  if (!stored) return std::nullopt;
  return parse_snapshot_header(open_record(key, *stored, where).payload, where);
}

bool same_bytes(ByteView a, ByteView b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

// `count` plus one reference. A count at its maximum refuses: wrapping would
// make it negative, and the next release would delete a blob still in use.
std::int64_t one_more(std::int64_t count, std::string_view hash, std::string_view where) {
  if (count == std::numeric_limits<std::int64_t>::max()) {
    throw Error(Errc::full,
                "blob '" + keys::printable(hash) + "' " + std::string(where) +
                    " has the most references a count holds (2^63-1): cannot add one",
                "release references first; the blob and its count are unchanged");
  }
  return count + 1;
}

}  // namespace

std::optional<std::int64_t> read_ref_count(kv::ReadTransaction& txn, std::string_view hash,
                                           std::string_view where) {
  const std::string key = keys::refs(hash);
  const auto stored = txn.get(key);
  if (!stored) return std::nullopt;
  return parse_ref_count(open_record(key, *stored, where).payload, where);
}

std::uint64_t StoreWrites::number() {
  if (!figures_.number) figures_.number = intern_store(txn_, store_id_, where_);
  return *figures_.number;
}

void StoreWrites::append_patch(ByteView patch, Clock clock) {
  const std::string key = keys::patch(number(), clock);
  if (!txn_.insert(key, encode_raw(key, patch))) return;  // the first append at a clock wins
  kill_point(KillPoint::patch_put);
  if (!figures_.snapshot_clock || clock > *figures_.snapshot_clock) {
    figures_.accumulated += std::min<std::uint64_t>(
        patch.size(), std::numeric_limits<std::uint64_t>::max() - figures_.accumulated);
  }
}

void StoreWrites::save_snapshot(const Encoded& snapshot, Clock clock, bool as_checkpoint) {
  const std::uint64_t store = number();
  const std::optional<SnapshotHeader> stored = read_snapshot_header(txn_, store, where_);
  if (as_checkpoint) {
    if (stored && stored->clock > clock) {
      refuse_stale_checkpoint(clock, stored->clock, where_);
    }
    txn_.erase_range(keys::patch(store, 0), keys::patch(store, clock));
    kill_point(KillPoint::checkpoint_prune);
  }
  const std::string key = keys::snapshot(store);
  const FramedRecord record = frame_parts(key, snapshot);
  // The SDS engine saves the same snapshot again and again while a checkpoint
  // is under way: an equal one is already stored.
  const bool unchanged = stored && stored->clock == clock &&
                         stored->raw_size == snapshot.raw_size &&
                         stored->stored_size == record.size() && [&] {
                           const auto bytes = txn_.get(key);
                           return bytes && bytes->size() == record.size() &&
                                  same_bytes(bytes->first(kRecordHeaderSize), record.header) &&
                                  same_bytes(bytes->subspan(kRecordHeaderSize), record.payload);
                         }();
  if (!unchanged) {
    txn_.put_parts(key, record.parts());
    if (as_checkpoint) kill_point(KillPoint::checkpoint_snapshot_put);
    const std::string meta_key = keys::meta(store);
    txn_.put(meta_key, encode_snapshot_header(meta_key, {clock, snapshot.raw_size, record.size()}));
  }
  figures_.snapshot_clock = clock;
  figures_.accumulated = patch_bytes_after(txn_, store, clock);
}

void StoreWrites::prune_patches(Clock before) {
  if (!figures_.number) return;  // a store never written has nothing to prune
  const std::uint64_t store = *figures_.number;
  txn_.erase_range(keys::patch(store, 0), keys::patch(store, before));
  // Only patches after the snapshot count: pruning below it changes nothing.
  const bool counted_ones_pruned =
      !figures_.snapshot_clock || before > *figures_.snapshot_clock + 1;
  if (counted_ones_pruned)
    figures_.accumulated = patch_bytes_after(txn_, store, figures_.snapshot_clock);
}

void StoreWrites::save_value(std::string_view hash, ByteView data, std::optional<Encoded>& encoded,
                             const Compression& compression) {
  const std::string refs_key = keys::refs(hash);
  const std::optional<std::int64_t> count = read_ref_count(txn_, hash, where_);
  if (!count) {
    if (!encoded) encoded = compress(data, compression);
    const std::string blob_key = keys::blob(hash);
    txn_.put_parts(blob_key, frame_parts(blob_key, *encoded).parts());
  }
  txn_.put(refs_key, encode_ref_count(refs_key, one_more(count.value_or(0), hash, where_)));
  kill_point(KillPoint::blob_ref_change);
}

bool StoreWrites::retain_value(std::string_view hash) {
  const std::optional<std::int64_t> count = read_ref_count(txn_, hash, where_);
  if (!count) return false;
  const std::string key = keys::refs(hash);
  txn_.put(key, encode_ref_count(key, one_more(*count, hash, where_)));
  kill_point(KillPoint::blob_ref_change);
  return true;
}

void StoreWrites::release_value(std::string_view hash) {
  const std::optional<std::int64_t> count = read_ref_count(txn_, hash, where_);
  if (!count) return;  // unknown or already gone: a no-op
  const std::string key = keys::refs(hash);
  if (*count > 1) {
    txn_.put(key, encode_ref_count(key, *count - 1));
  } else {
    txn_.erase(key);
    txn_.erase(keys::blob(hash));
  }
  kill_point(KillPoint::blob_ref_change);
}

}  // namespace sds::core
