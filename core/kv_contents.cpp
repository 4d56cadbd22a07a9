// Database::visit_contents() of the key-value schemes: the core's layout read
// back store by store and blob by blob, each record verified and decoded.
#include <algorithm>

#include "core/batch_scan.hpp"
#include "core/catalog.hpp"
#include "core/errors.hpp"
#include "core/keys.hpp"
#include "core/kv_backed_database.hpp"
#include "core/payloads.hpp"
#include "core/record.hpp"
#include "sds/error.hpp"

namespace sds::core {
namespace {

using StoreList = std::vector<std::pair<std::string, std::uint64_t>>;

// The stores `selection` names, in bytewise order, each once.
StoreList selected(SharedBackend& shared, const ContentsSelection& selection) {
  StoreList all;
  shared.kv().view([&](kv::ReadTransaction& txn) { all = list_stores(txn, shared.where()); });
  if (selection.stores.empty()) return all;
  StoreList out;
  for (const std::string& id : selection.stores) {
    const auto it =
        std::find_if(all.begin(), all.end(), [&](const auto& entry) { return entry.first == id; });
    if (it == all.end()) {
      throw Error(Errc::not_found, "no store '" + keys::printable(id) + "' " + shared.where(),
                  "`sdsctl stores` lists the stores there are");
    }
    out.push_back(*it);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Bytes decoded(std::string_view key, ByteView stored, std::string_view where) {
  return decode_record(open_record(key, stored, where), key, where);
}

void visit_store(SharedBackend& shared, const std::string& id, std::uint64_t number,
                 ContentsVisitor& visitor) {
  const std::string where = shared.where(id);
  visitor.store(id);
  // The header and the snapshot in one transaction: they belong together.
  std::optional<Clock> clock;
  Bytes snapshot;
  shared.kv().view([&](kv::ReadTransaction& txn) {
    clock.reset();
    const std::string meta = keys::meta(number);
    const auto header = txn.get(meta);
    if (!header) return;
    clock = parse_snapshot_header(open_record(meta, *header, where).payload, where).clock;
    const std::string key = keys::snapshot(number);
    const auto stored = txn.get(key);
    if (!stored) {
      throw Error(Errc::corruption, "the snapshot " + where + " is missing, its header is there",
                  kDamagedAdvice);
    }
    snapshot = decoded(key, *stored, where);
  });
  if (clock) visitor.snapshot(*clock, snapshot);
  scan_batches(
      shared.kv(), keys::patch(number, 0), keys::patches_end(number),
      [&](std::vector<KvEntry>& batch) {
        for (const KvEntry& entry : batch) {
          const auto parsed = keys::parse_store_key(entry.key);
          const auto name = parsed ? keys::parse_store_suffix(parsed->suffix) : std::nullopt;
          if (!name || name->kind != keys::StoreRecordKind::patch) {
            throw Error(Errc::corruption, keys::describe(entry.key) + " " + where + " is malformed",
                        kDamagedAdvice);
          }
          visitor.patch(name->clock, decoded(entry.key, entry.value, where));
        }
        return true;
      });
}

void visit_blobs(SharedBackend& shared, ContentsVisitor& visitor) {
  const std::string where = shared.where();
  scan_batches(
      shared.kv(), keys::blobs_begin(), keys::blobs_end(), [&](std::vector<KvEntry>& batch) {
        // The counts of the batch, in one transaction; nullopt for a
        // blob that a transfer staged and never published.
        std::vector<std::optional<std::int64_t>> counts;
        shared.kv().view([&](kv::ReadTransaction& txn) {
          counts.clear();
          for (const KvEntry& entry : batch) {
            const std::string_view hash = keys::blob_hash(entry.key);
            const std::string key = keys::refs(hash);
            const auto stored = txn.get(key);
            if (!stored && txn.get(keys::staging_blob(hash))) {
              counts.push_back(std::nullopt);
            } else if (!stored) {
              throw Error(
                  Errc::corruption,
                  "blob '" + keys::printable(hash) + "' " + where + " has no reference count",
                  kDamagedAdvice);
            } else {
              counts.push_back(parse_ref_count(open_record(key, *stored, where).payload, where));
            }
          }
        });
        for (std::size_t i = 0; i < batch.size(); ++i) {
          if (!counts[i]) continue;
          visitor.blob(keys::blob_hash(batch[i].key), *counts[i],
                       decoded(batch[i].key, batch[i].value, where));
        }
        return true;
      });
}

}  // namespace

void KvBackedDatabase::visit_contents(ContentsVisitor& visitor,
                                      const ContentsSelection& selection) {
  const std::shared_ptr<SharedBackend> shared = handle_.share();
  for (const auto& [id, number] : selected(*shared, selection)) {
    visit_store(*shared, id, number, visitor);
  }
  if (selection.blobs) visit_blobs(*shared, visitor);
}

}  // namespace sds::core
