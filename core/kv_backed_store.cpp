#include "core/kv_backed_store.hpp"

#include <limits>

#include "core/batch_scan.hpp"
#include "core/catalog.hpp"
#include "core/errors.hpp"
#include "core/keys.hpp"
#include "core/payloads.hpp"
#include "core/record.hpp"
#include "core/totals.hpp"
#include "sds/error.hpp"

namespace sds::core {
namespace {

constexpr Clock kMaxClock = std::numeric_limits<Clock>::max();

std::optional<SnapshotHeader> read_meta(kv::ReadTransaction& txn, std::uint64_t store,
                                        std::string_view where) {
  const std::string key = keys::meta(store);
  const auto stored = txn.get(key);
  if (!stored) return std::nullopt;
  return parse_snapshot_header(open_record(key, *stored, where).payload, where);
}

// Blob reference counts ("R" hash) are records of their own, so that adding a
// reference never rewrites the blob.
std::optional<std::int64_t> read_refs(kv::ReadTransaction& txn, const std::string& key,
                                      std::string_view where) {
  const auto stored = txn.get(key);
  if (!stored) return std::nullopt;
  return parse_ref_count(open_record(key, *stored, where).payload, where);
}

void check_value_size(std::size_t size, std::string_view what, std::string_view where) {
  if (size > kMaxValueBytes) {
    throw Error(Errc::invalid_argument,
                std::string(what) + " of " + std::to_string(size) + " bytes " + std::string(where) +
                    " is over the limit",
                "a value is at most " + std::to_string(kMaxValueBytes) + " bytes (512 MiB)");
  }
}

void check_hash(std::string_view hash, std::string_view where) {
  if (hash.empty() || hash.size() > kMaxHashBytes) {
    throw Error(Errc::invalid_argument,
                "blob hash of " + std::to_string(hash.size()) + " bytes " + std::string(where),
                "a hash is 1 to " + std::to_string(kMaxHashBytes) + " bytes");
  }
}

std::optional<Clock> after(Clock clock) {
  return clock == kMaxClock ? std::nullopt : std::optional<Clock>(clock + 1);
}

}  // namespace

KvBackedStore::KvBackedStore(std::shared_ptr<SharedBackend> shared, std::string id,
                             StoreOptions options)
    : handle_(shared, "store '" + keys::printable(id) + "' of " + in_quotes(shared->uri())),
      state_(shared->state(id)),
      id_(std::move(id)),
      where_(shared->where(id_)),
      options_(options) {
  std::lock_guard lock(shared->write_mutex());
  if (state_->loaded()) return;
  StoreFigures figures;
  shared->kv().view([&](kv::ReadTransaction& txn) {
    figures.number = find_store(txn, id_, where_);
    if (!figures.number) return;
    if (const auto meta = read_meta(txn, *figures.number, where_))
      figures.snapshot_clock = meta->clock;
    figures.accumulated = total_patches(txn, *figures.number, figures.snapshot_clock, where_).bytes;
  });
  state_->set(figures);
}

KvBackedStore::~KvBackedStore() { close(); }

void KvBackedStore::close() { handle_.close(); }

void KvBackedStore::check_writable() const {
  if (options_.read_only) {
    throw Error(Errc::unsupported, "cannot write " + where_ + ": the database is open read-only",
                "open it without read_only to write");
  }
}

void KvBackedStore::write(
    const std::function<void(kv::WriteTransaction&, std::uint64_t, StoreFigures&)>& fn) {
  check_writable();
  handle_.use([&](SharedBackend& shared) {
    std::lock_guard lock(shared.write_mutex());
    const StoreFigures before = state_->get();
    StoreFigures after;
    shared.kv().update([&](kv::WriteTransaction& txn) {
      StoreFigures figures = before;  // afresh on every run of the transaction
      if (!figures.number) figures.number = intern_store(txn, id_, where_);
      fn(txn, *figures.number, figures);
      after = figures;
    });
    state_->set(after);
  });
}

void KvBackedStore::read(
    const std::function<void(kv::ReadTransaction&, std::optional<std::uint64_t>)>& fn) {
  handle_.use([&](SharedBackend& shared) {
    const std::optional<std::uint64_t> known = state_->get().number;
    shared.kv().view([&](kv::ReadTransaction& txn) {
      // Another process may have created the store since this one looked.
      fn(txn, known ? known : find_store(txn, id_, where_));
    });
  });
}

std::optional<Bytes> KvBackedStore::load_snapshot() {
  std::optional<Bytes> out;
  read([&](kv::ReadTransaction& txn, std::optional<std::uint64_t> number) {
    if (!number) return;
    const std::string key = keys::snapshot(*number);
    if (const auto stored = txn.get(key)) {
      out = decode_record(open_record(key, *stored, where_), key, where_);
    }
  });
  return out;
}

std::optional<Clock> KvBackedStore::snapshot_clock() {
  std::optional<Clock> out;
  read([&](kv::ReadTransaction& txn, std::optional<std::uint64_t> number) {
    if (!number) return;
    if (const auto meta = read_meta(txn, *number, where_)) out = meta->clock;
  });
  return out;
}

void KvBackedStore::save_snapshot(ByteView data, Clock clock) {
  write_snapshot(data, clock, false);
}

void KvBackedStore::checkpoint(ByteView snapshot, Clock clock) {
  write_snapshot(snapshot, clock, true);
}

void KvBackedStore::write_snapshot(ByteView data, Clock clock, bool as_checkpoint) {
  check_value_size(data.size(), "snapshot", where_);
  check_writable();
  const Encoded encoded = compress(data, options_.compression);
  write([&](kv::WriteTransaction& txn, std::uint64_t number, StoreFigures& figures) {
    if (as_checkpoint) {
      const auto stored = read_meta(txn, number, where_);
      if (stored && stored->clock > clock) {
        throw Error(Errc::invalid_argument,
                    "checkpoint at clock " + std::to_string(clock) + " " + where_ +
                        " is older than the stored snapshot's clock " +
                        std::to_string(stored->clock) + ": another writer checkpointed later",
                    "reload the store first");
      }
      txn.erase_range(keys::patch(number, 0), keys::patch(number, clock));
    }
    const std::string key = keys::snapshot(number);
    const Bytes record = frame(key, encoded);
    txn.put(key, record);
    const std::string meta_key = keys::meta(number);
    txn.put(meta_key, encode_snapshot_header(meta_key, {clock, data.size(), record.size()}));
    figures.snapshot_clock = clock;
    figures.accumulated = total_patches(txn, number, clock, where_).bytes;
  });
}

std::vector<Bytes> KvBackedStore::load_patches_since(Clock clock) {
  std::vector<Bytes> out;
  const std::optional<Clock> from = after(clock);
  if (!from) return out;
  read([&](kv::ReadTransaction& txn, std::optional<std::uint64_t> number) {
    if (!number) return;
    txn.scan(keys::patch(*number, *from), keys::patches_end(*number),
             [&](std::string_view key, ByteView value) {
               out.push_back(decode_record(open_record(key, value, where_), key, where_));
               return true;
             });
  });
  return out;
}

void KvBackedStore::visit_patches_since(Clock clock, const PatchVisitor& visit) {
  std::optional<Clock> from = after(clock);
  while (from) {
    std::vector<std::pair<Clock, Bytes>> batch;
    std::optional<Clock> rest;  // where the next batch starts
    read([&](kv::ReadTransaction& txn, std::optional<std::uint64_t> number) {
      batch.clear();
      rest.reset();
      if (!number) return;
      const auto next = scan_batch(
          txn, keys::patch(*number, *from), keys::patches_end(*number),
          [&](std::string_view key, ByteView value) {
            batch.emplace_back(keys::patch_clock(key, where_),
                               decode_record(open_record(key, value, where_), key, where_));
          });
      if (next) rest = keys::patch_clock(*next, where_);
    });
    // No lock is held here, so the visitor may call into the store.
    for (const auto& [patch_clock, patch] : batch) {
      if (!visit(patch_clock, patch)) return;
    }
    from = rest;
  }
}

void KvBackedStore::append_patch(ByteView patch, Clock clock) {
  check_value_size(patch.size(), "patch", where_);
  write([&](kv::WriteTransaction& txn, std::uint64_t number, StoreFigures& figures) {
    const std::string key = keys::patch(number, clock);
    if (txn.get(key)) return;  // the first append at a clock wins
    txn.put(key, encode_raw(key, patch));
    if (!figures.snapshot_clock || clock > *figures.snapshot_clock) {
      figures.accumulated += patch.size();
    }
  });
}

void KvBackedStore::prune_patches(Clock before) {
  write([&](kv::WriteTransaction& txn, std::uint64_t number, StoreFigures& figures) {
    txn.erase_range(keys::patch(number, 0), keys::patch(number, before));
    figures.accumulated = total_patches(txn, number, figures.snapshot_clock, where_).bytes;
  });
}

std::uint64_t KvBackedStore::accumulated_bytes() const {
  return handle_.use([&](SharedBackend&) { return state_->get().accumulated; });
}

bool KvBackedStore::checkpoint_due() const {
  return accumulated_bytes() >= options_.checkpoint_bytes;
}

std::optional<Bytes> KvBackedStore::load_value(std::string_view hash) {
  check_hash(hash, where_);
  std::optional<Bytes> out;
  handle_.use([&](SharedBackend& shared) {
    shared.kv().view([&](kv::ReadTransaction& txn) {
      const std::string key = keys::blob(hash);
      if (const auto stored = txn.get(key)) {
        out = decode_record(open_record(key, *stored, where_), key, where_);
      }
    });
  });
  return out;
}

bool KvBackedStore::add_reference(SharedBackend& shared, std::string_view hash) {
  bool found = false;
  std::lock_guard lock(shared.write_mutex());
  shared.kv().update([&](kv::WriteTransaction& txn) {
    found = false;
    const std::string key = keys::refs(hash);
    const auto count = read_refs(txn, key, where_);
    if (!count) return;
    txn.put(key, encode_ref_count(key, *count + 1));
    found = true;
  });
  return found;
}

bool KvBackedStore::retain_value(std::string_view hash) {
  check_hash(hash, where_);
  check_writable();
  return handle_.use([&](SharedBackend& shared) { return add_reference(shared, hash); });
}

void KvBackedStore::save_value(std::string_view hash, ByteView data) {
  check_hash(hash, where_);
  check_value_size(data.size(), "blob", where_);
  check_writable();
  handle_.use([&](SharedBackend& shared) {
    // Most saves of a known hash only add a reference: no compression needed.
    if (add_reference(shared, hash)) return;
    const Encoded encoded = compress(data, options_.compression);
    std::lock_guard lock(shared.write_mutex());
    shared.kv().update([&](kv::WriteTransaction& txn) {
      const std::string refs_key = keys::refs(hash);
      const auto count = read_refs(txn, refs_key, where_);
      if (!count) {  // still absent: no other writer stored it meanwhile
        const std::string blob_key = keys::blob(hash);
        txn.put(blob_key, frame(blob_key, encoded));
      }
      txn.put(refs_key, encode_ref_count(refs_key, count.value_or(0) + 1));
    });
  });
}

void KvBackedStore::release_value(std::string_view hash) {
  check_hash(hash, where_);
  check_writable();
  handle_.use([&](SharedBackend& shared) {
    std::lock_guard lock(shared.write_mutex());
    shared.kv().update([&](kv::WriteTransaction& txn) {
      const std::string key = keys::refs(hash);
      const auto count = read_refs(txn, key, where_);
      if (!count) return;  // unknown or already gone: a no-op
      if (*count > 1) {
        txn.put(key, encode_ref_count(key, *count - 1));
      } else {
        txn.erase(key);
        txn.erase(keys::blob(hash));
      }
    });
  });
}

void KvBackedStore::flush() {
  handle_.use([](SharedBackend& shared) { shared.kv().flush(); });
}

StoreStats KvBackedStore::stats() {
  StoreStats out;
  read([&](kv::ReadTransaction& txn, std::optional<std::uint64_t> number) {
    if (number) {
      if (const auto meta = read_meta(txn, *number, where_)) {
        out.has_snapshot = true;
        out.snapshot_clock = meta->clock;
        out.snapshot_bytes = meta->raw_size;
        out.snapshot_stored_bytes = meta->stored_size;
      }
      const PatchTotals patches = total_patches(txn, *number, std::nullopt, where_);
      out.patch_count = patches.count;
      out.patch_bytes = patches.bytes;
      out.first_patch_clock = patches.first;
      out.last_patch_clock = patches.last;
    }
    const BlobTotals blobs = total_blobs(txn, where_);
    out.blob_count = blobs.count;
    out.blob_bytes = blobs.bytes;
    out.blob_stored_bytes = blobs.stored_bytes;
  });
  out.accumulated_bytes = accumulated_bytes();
  out.checkpoint_bytes = options_.checkpoint_bytes;
  out.bytes_on_disk =
      handle_.use([](SharedBackend& shared) { return shared.kv().bytes_on_disk(); });
  return out;
}

}  // namespace sds::core
