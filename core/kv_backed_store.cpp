#include "core/kv_backed_store.hpp"

#include <limits>
#include <new>

#include "core/batch_scan.hpp"
#include "core/catalog.hpp"
#include "core/errors.hpp"
#include "core/keys.hpp"
#include "core/limits.hpp"
#include "core/payloads.hpp"
#include "core/record.hpp"
#include "core/totals.hpp"
#include "sds/error.hpp"

namespace sds::core {
namespace {

constexpr Clock kMaxClock = std::numeric_limits<Clock>::max();

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
      options_(options) {}

KvBackedStore::~KvBackedStore() { close(); }

void KvBackedStore::close() { handle_.close(); }

void KvBackedStore::check_writable() const {
  if (options_.read_only) {
    throw Error(Errc::unsupported, "cannot write " + where_ + ": the database is open read-only",
                "open it without read_only to write");
  }
}

Encoded KvBackedStore::encode(ByteView data) const {
  try {
    return compress(data, options_.compression);
  } catch (const std::bad_alloc&) {
    throw out_of_memory(where_);
  }
}

void KvBackedStore::commit_writes(const std::function<void(StoreWrites&)>& fn) {
  check_writable();
  handle_.use([&](SharedBackend& shared) {
    shared.write(
        [&](kv::WriteTransaction& txn, WriteContext& context) {
          StoreWrites writes(txn, context.figures(state_, txn), id_, where_);
          fn(writes);
        },
        id_);
  });
}

void KvBackedStore::read(
    const std::function<void(kv::ReadTransaction&, std::optional<std::uint64_t>)>& fn) {
  handle_.use([&](SharedBackend& shared) {
    const std::optional<StoreFigures> known = state_->get();
    shared.kv().view([&](kv::ReadTransaction& txn) {
      // Another process may have created the store since this one looked.
      fn(txn, known && known->number ? known->number : find_store(txn, id_, where_));
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
    const std::string key = keys::meta(*number);
    if (const auto stored = txn.get(key)) {
      out = parse_snapshot_header(open_record(key, *stored, where_).payload, where_).clock;
    }
  });
  return out;
}

void KvBackedStore::save_snapshot(ByteView data, Clock clock) {
  check_value_size(data.size(), "snapshot", where_);
  check_writable();
  const Encoded encoded = encode(data);
  commit_writes([&](StoreWrites& writes) { writes.save_snapshot(encoded, clock, false); });
}

void KvBackedStore::checkpoint(ByteView snapshot, Clock clock) {
  check_value_size(snapshot.size(), "snapshot", where_);
  check_writable();
  const Encoded encoded = encode(snapshot);
  commit_writes([&](StoreWrites& writes) { writes.save_snapshot(encoded, clock, true); });
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
  commit_writes([&](StoreWrites& writes) { writes.append_patch(patch, clock); });
}

void KvBackedStore::prune_patches(Clock before) {
  commit_writes([&](StoreWrites& writes) { writes.prune_patches(before); });
}

std::uint64_t KvBackedStore::accumulated_bytes() const {
  return handle_.use([&](SharedBackend& shared) {
    if (const std::optional<StoreFigures> known = state_->get()) return known->accumulated;
    StoreFigures loaded;
    shared.kv().view([&](kv::ReadTransaction& txn) { loaded = load_figures(txn, id_, where_); });
    // A writer of this process that committed meanwhile published figures at
    // least as recent as these: they win.
    return state_->set_if_unknown(loaded).accumulated;
  });
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

bool KvBackedStore::blob_exists(std::string_view hash) {
  bool exists = false;
  handle_.use([&](SharedBackend& shared) {
    shared.kv().view(
        [&](kv::ReadTransaction& txn) { exists = txn.get(keys::refs(hash)).has_value(); });
  });
  return exists;
}

bool KvBackedStore::retain_value(std::string_view hash) {
  check_hash(hash, where_);
  bool found = false;
  commit_writes([&](StoreWrites& writes) { found = writes.retain_value(hash); });
  return found;
}

void KvBackedStore::save_value(std::string_view hash, ByteView data) {
  check_hash(hash, where_);
  check_value_size(data.size(), "blob", where_);
  check_writable();
  // Most saves of a known hash only add a reference: compress only for a new
  // blob, and before the transaction, so that no writer waits for zstd.
  std::optional<Encoded> encoded;
  if (!blob_exists(hash)) encoded = encode(data);
  commit_writes(
      [&](StoreWrites& writes) { writes.save_value(hash, data, encoded, options_.compression); });
}

void KvBackedStore::release_value(std::string_view hash) {
  check_hash(hash, where_);
  commit_writes([&](StoreWrites& writes) { writes.release_value(hash); });
}

void KvBackedStore::write(const WriteBatch& batch) {
  check_writable();
  if (batch.empty()) return;
  // Everything that needs no transaction happens before it: compression.
  using Kind = WriteBatch::Kind;
  std::vector<std::optional<Encoded>> encoded(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const WriteBatch::Operation& operation = batch.operations()[i];
    const bool snapshot =
        operation.kind == Kind::save_snapshot || operation.kind == Kind::checkpoint;
    if (snapshot || (operation.kind == Kind::save_value && !blob_exists(operation.hash))) {
      encoded[i] = encode(operation.data);
    }
  }
  commit_writes([&](StoreWrites& writes) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const WriteBatch::Operation& operation = batch.operations()[i];
      switch (operation.kind) {
        case Kind::append_patch:
          writes.append_patch(operation.data, operation.clock);
          break;
        case Kind::save_snapshot:
        case Kind::checkpoint:
          writes.save_snapshot(*encoded[i], operation.clock, operation.kind == Kind::checkpoint);
          break;
        case Kind::prune_patches:
          writes.prune_patches(operation.clock);
          break;
        case Kind::save_value:
          writes.save_value(operation.hash, operation.data, encoded[i], options_.compression);
          break;
        case Kind::release_value:
          writes.release_value(operation.hash);
          break;
      }
    }
  });
}

void KvBackedStore::flush() {
  handle_.use([](SharedBackend& shared) { shared.kv().flush(); });
}

StoreStats KvBackedStore::stats(StatsScope scope) {
  StoreStats out;
  read([&](kv::ReadTransaction& txn, std::optional<std::uint64_t> number) {
    if (number) {
      const std::string meta_key = keys::meta(*number);
      if (const auto stored = txn.get(meta_key)) {
        const SnapshotHeader meta =
            parse_snapshot_header(open_record(meta_key, *stored, where_).payload, where_);
        out.has_snapshot = true;
        out.snapshot_clock = meta.clock;
        out.snapshot_bytes = meta.raw_size;
        out.snapshot_stored_bytes = meta.stored_size;
      }
      const PatchTotals patches = total_patches(txn, *number, std::nullopt, where_);
      out.patch_count = patches.count;
      out.patch_bytes = patches.bytes;
      out.first_patch_clock = patches.first;
      out.last_patch_clock = patches.last;
    }
    if (scope == StatsScope::with_blobs) {
      const BlobTotals blobs = total_blobs(txn);
      out.blob_count = blobs.count;
      out.blob_bytes = blobs.bytes;
      out.blob_stored_bytes = blobs.stored_bytes;
    }
  });
  out.accumulated_bytes = accumulated_bytes();
  out.checkpoint_bytes = options_.checkpoint_bytes;
  out.bytes_on_disk =
      handle_.use([](SharedBackend& shared) { return shared.kv().bytes_on_disk(); });
  return out;
}

}  // namespace sds::core
