#include "core/maintenance/contents.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "core/batch_scan.hpp"
#include "core/binary.hpp"
#include "core/catalog.hpp"
#include "core/errors.hpp"
#include "core/keys.hpp"
#include "core/payloads.hpp"
#include "sds/error.hpp"

namespace sds::core::maintenance {
namespace {

using StoreList = std::vector<std::pair<std::string, std::uint64_t>>;

// Opens and decodes a record, so a damaged one stops the transfer here.
Record checked(std::string_view key, ByteView value, std::string_view where) {
  const Record record = open_record(key, value, where);
  decode_record(record, key, where);
  return record;
}

// Reads contents; in salvage mode (a log is set) damage is logged and skipped.
class Reader {
 public:
  Reader(SharedBackend& source, ContentVisitor& visitor, const Progress& progress,
         const SalvageLog* log)
      : source_(source),
        visitor_(visitor),
        progress_(progress),
        log_(log),
        total_(source.kv().bytes_on_disk().value_or(0)) {}

  void store(const std::string& id, std::uint64_t number) {
    visitor_.store(id);
    ++counts_.stores;
    const std::string where = source_.where(id);
    const std::string name = "store '" + keys::printable(id) + "'";
    // Salvage decides up front whether the snapshot header and the snapshot
    // can go (each needs the other), so that records still go in key order.
    std::optional<SnapshotPlan> plan;
    if (log_) plan = plan_snapshot(number, where);
    try {
      scan_batches(source_.kv(), keys::store_begin(number), keys::store_end(number),
                   [&](std::vector<KvEntry>& batch) {
                     for (const KvEntry& entry : batch) store_record(entry, where, name, plan);
                     return true;
                   });
    } catch (const Error& error) {
      // The backend could not read on (a damaged page): the rest of the store is lost.
      if (!log_ || error.code() != Errc::corruption) throw;
      skip("the rest of " + name, std::string(error.message()));
    }
  }

  void blobs() {
    const std::string where = source_.where();
    scan_batches(source_.kv(), keys::blobs_begin(), keys::blobs_end(),
                 [&](std::vector<KvEntry>& batch) {
                   const std::vector<std::optional<std::int64_t>> counts = ref_counts(batch, where);
                   for (std::size_t i = 0; i < batch.size(); ++i) {
                     if (!counts[i]) continue;  // staged, never published
                     const std::string_view hash = keys::blob_hash(batch[i].key);
                     std::optional<Record> record;
                     try {
                       record = checked(batch[i].key, batch[i].value, where);
                     } catch (const Error& error) {
                       if (!log_ || error.code() != Errc::corruption) throw;
                       skip("blob '" + keys::printable(hash) + "'", std::string(error.message()));
                       continue;
                     }
                     visitor_.blob(hash, *counts[i], *record);
                     count(counts_.blobs, batch[i].value.size());
                   }
                   return true;
                 });
  }

  // Salvage: reference counts whose blob has no data.
  void orphan_counts() {
    scan_batches(
        source_.kv(), keys::refs_begin(), keys::refs_end(), [&](std::vector<KvEntry>& batch) {
          std::vector<bool> has_data;
          source_.kv().view([&](kv::ReadTransaction& txn) {
            has_data.clear();
            for (const KvEntry& entry : batch) {
              has_data.push_back(txn.get(keys::blob(keys::blob_hash(entry.key))).has_value());
            }
          });
          for (std::size_t i = 0; i < batch.size(); ++i) {
            if (has_data[i]) continue;
            skip("the reference count of blob '" + keys::printable(keys::blob_hash(batch[i].key)) +
                     "'",
                 "the blob's data is missing");
          }
          return true;
        });
  }

  // Salvage: records under store numbers that no readable id names (their
  // id table entry was damaged), one seek per number.
  void orphan_stores(const StoreList& stores) {
    std::set<std::uint64_t> known;
    for (const auto& [id, number] : stores) known.insert(number);
    scan_batches(
        source_.kv(), keys::staging_stores_begin(), keys::staging_stores_end(),
        [&](std::vector<KvEntry>& batch) {
          for (const KvEntry& entry : batch) {
            try {
              known.insert(
                  parse_staged_store(open_record(entry.key, entry.value, source_.where()).payload,
                                     source_.where())
                      .number);
            } catch (const Error&) {
            }
          }
          return true;
        });
    std::string from = keys::stores_begin();
    for (;;) {
      std::optional<std::uint64_t> number;
      source_.kv().view([&](kv::ReadTransaction& txn) {
        number.reset();
        txn.scan(from, keys::stores_end(), [&](std::string_view key, ByteView) {
          if (const auto parsed = keys::parse_store_key(key)) number = parsed->store;
          return false;
        });
      });
      if (!number) return;
      if (!known.count(*number)) {
        skip("the records of store #" + std::to_string(*number),
             "no readable store id table entry names the store");
      }
      if (*number == std::numeric_limits<std::uint64_t>::max()) return;
      from = keys::store_end(*number);
    }
  }

  ContentCounts counts() const { return counts_; }

 private:
  // Salvage: what becomes of a store's snapshot header and snapshot.
  struct SnapshotPlan {
    std::optional<SnapshotHeader> header;  // to write, sizes taken from the snapshot
    std::string skip_header;               // why the header is left behind, if it is
    std::string skip_snapshot;             // why the snapshot is left behind, if it is
    bool repaired = false;                 // the header's sizes were wrong
  };

  SnapshotPlan plan_snapshot(std::uint64_t number, const std::string& where) {
    SnapshotPlan plan;
    std::optional<SnapshotHeader> header;
    std::optional<SnapshotHeader> snapshot;  // its sizes
    std::string header_problem = "it is missing";
    std::string snapshot_problem = "it is missing";
    source_.kv().view([&](kv::ReadTransaction& txn) {
      const std::string meta = keys::meta(number);
      if (const auto stored = txn.get(meta)) {
        try {
          const Record record = open_record(meta, *stored, where);
          if (record.codec != Codec::raw) {
            throw Error(Errc::corruption, "the snapshot header is compressed");
          }
          header = parse_snapshot_header(record.payload, where);
        } catch (const Error& error) {
          if (error.code() != Errc::corruption) throw;
          header_problem = std::string(error.message());
        }
      }
      const std::string data = keys::snapshot(number);
      if (const auto stored = txn.get(data)) {
        try {
          const Record record = checked(data, *stored, where);
          snapshot = SnapshotHeader{0, record.raw_size, kRecordHeaderSize + record.payload.size()};
        } catch (const Error& error) {
          if (error.code() != Errc::corruption) throw;
          snapshot_problem = std::string(error.message());
        }
      }
    });
    if (header && snapshot) {
      plan.repaired =
          header->raw_size != snapshot->raw_size || header->stored_size != snapshot->stored_size;
      plan.header = SnapshotHeader{header->clock, snapshot->raw_size, snapshot->stored_size};
    } else {
      if (header) plan.skip_header = "its snapshot cannot be copied: " + snapshot_problem;
      if (snapshot) plan.skip_snapshot = "its header, which holds its clock: " + header_problem;
    }
    return plan;
  }

  void store_record(const KvEntry& entry, const std::string& where, const std::string& name,
                    const std::optional<SnapshotPlan>& plan) {
    const auto parsed = keys::parse_store_key(entry.key);
    std::optional<Record> record;
    try {
      record = checked(entry.key, entry.value, where);
      if (!parsed || !keys::parse_store_suffix(parsed->suffix)) {
        throw Error(Errc::corruption, keys::describe(entry.key) + " " + where + " is malformed",
                    kDamagedAdvice);
      }
    } catch (const Error& error) {
      if (!log_ || error.code() != Errc::corruption) throw;
      skip(keys::describe(entry.key) + " of " + name, std::string(error.message()));
      return;
    }
    const auto kind = keys::parse_store_suffix(parsed->suffix)->kind;
    if (plan && kind == keys::StoreRecordKind::snapshot_header) {
      if (!plan->header) {
        skip("the snapshot header of " + name, plan->skip_header);
        return;
      }
      if (plan->repaired) {
        repair("the snapshot header of " + name, "its sizes were taken from the snapshot");
      }
      const Bytes value = encode_snapshot_header(entry.key, *plan->header);
      visitor_.store_record(parsed->suffix, open_record(entry.key, value, where));
      count(counts_.records, value.size());
      return;
    }
    if (plan && kind == keys::StoreRecordKind::snapshot && !plan->skip_snapshot.empty()) {
      skip("the snapshot of " + name, plan->skip_snapshot);
      return;
    }
    visitor_.store_record(parsed->suffix, *record);
    count(counts_.records, entry.value.size());
  }

  // The reference counts of a batch of blobs, read in one transaction;
  // nullopt for a blob that a transfer staged and never published.
  std::vector<std::optional<std::int64_t>> ref_counts(const std::vector<KvEntry>& batch,
                                                      std::string_view where) {
    std::vector<std::optional<std::int64_t>> out;
    std::vector<std::string> repairs;
    source_.kv().view([&](kv::ReadTransaction& txn) {
      out.clear();
      repairs.clear();
      for (const KvEntry& entry : batch) {
        const std::string_view hash = keys::blob_hash(entry.key);
        const std::string key = keys::refs(hash);
        const auto stored = txn.get(key);
        if (!stored && txn.get(keys::staging_blob(hash))) {
          out.push_back(std::nullopt);
          continue;
        }
        if (!log_) {
          if (!stored) {
            throw Error(Errc::corruption,
                        "blob '" + keys::printable(hash) + "' " + std::string(where) +
                            " has no reference count",
                        kDamagedAdvice);
          }
          out.push_back(parse_ref_count(open_record(key, *stored, where).payload, where));
          continue;
        }
        std::string why;
        std::int64_t count = 0;
        try {
          if (!stored) throw Error(Errc::corruption, "it is missing");
          count = parse_ref_count(open_record(key, *stored, where).payload, where);
          if (count <= 0) why = "it was " + std::to_string(count);
        } catch (const Error& error) {
          if (error.code() != Errc::corruption) throw;
          why = std::string(error.message());
        }
        if (!why.empty()) {
          count = 1;
          repairs.push_back(std::string(hash) + '\0' + why);
        }
        out.push_back(count);
      }
    });
    for (const std::string& entry : repairs) {
      const std::size_t nul = entry.find('\0');
      (*log_)({Salvaged::Kind::recounted,
               "the reference count of blob '" + keys::printable(entry.substr(0, nul)) + "'",
               "set to 1: " + entry.substr(nul + 1)});
    }
    return out;
  }

  void skip(std::string what, std::string why) {
    (*log_)({Salvaged::Kind::skipped, std::move(what), std::move(why)});
  }
  void repair(std::string what, std::string why) {
    (*log_)({Salvaged::Kind::repaired, std::move(what), std::move(why)});
  }

  void count(std::uint64_t& counter, std::size_t bytes) {
    ++counter;
    counts_.bytes += bytes;
    if (progress_) progress_(counts_.bytes, std::max(total_, counts_.bytes));
  }

  SharedBackend& source_;
  ContentVisitor& visitor_;
  const Progress& progress_;
  const SalvageLog* log_;
  std::uint64_t total_;
  ContentCounts counts_;
};

// The store id table, entry by entry: a damaged entry is logged and skipped.
StoreList salvage_store_list(SharedBackend& source, const SalvageLog& log) {
  std::map<std::string, std::uint64_t> ids;
  std::set<std::uint64_t> numbers;
  scan_batches(
      source.kv(), keys::intern_begin(), keys::intern_end(), [&](std::vector<KvEntry>& batch) {
        for (const KvEntry& entry : batch) {
          try {
            const Record record = open_record(entry.key, entry.value, source.where());
            PayloadReader reader(record.payload, "store id table entry", source.where());
            while (!reader.at_end()) {
              const std::uint64_t number = reader.u64();
              const std::string id(as_chars(reader.bytes(reader.u32())));
              if (!numbers.insert(number).second || !ids.emplace(id, number).second) {
                log({Salvaged::Kind::skipped, "store '" + keys::printable(id) + "'",
                     "its id or number is in the store id table twice"});
              }
            }
          } catch (const Error& error) {
            if (error.code() != Errc::corruption) throw;
            log({Salvaged::Kind::skipped, keys::describe(entry.key), std::string(error.message())});
          }
        }
        return true;
      });
  return StoreList(ids.begin(), ids.end());
}

}  // namespace

StoreList select_stores(SharedBackend& source, const Selection& selection) {
  StoreList all;
  source.kv().view([&](kv::ReadTransaction& txn) { all = list_stores(txn, source.where()); });
  if (selection.stores.empty()) return all;
  StoreList out;
  for (const std::string& id : selection.stores) {
    const auto it =
        std::find_if(all.begin(), all.end(), [&](const auto& e) { return e.first == id; });
    if (it == all.end()) {
      throw Error(Errc::not_found, "no store '" + keys::printable(id) + "' " + source.where(),
                  "`sdsctl stores` lists the stores there are");
    }
    out.push_back(*it);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

ContentCounts read_contents(SharedBackend& source, const Selection& selection,
                            ContentVisitor& visitor, const Progress& progress) {
  Reader reader(source, visitor, progress, nullptr);
  for (const auto& [id, number] : select_stores(source, selection)) reader.store(id, number);
  if (selection.blobs) reader.blobs();
  visitor.finish();
  return reader.counts();
}

ContentCounts salvage_contents(SharedBackend& source, ContentVisitor& visitor,
                               const SalvageLog& log, const Progress& progress) {
  Reader reader(source, visitor, progress, &log);
  const StoreList stores = salvage_store_list(source, log);
  for (const auto& [id, number] : stores) reader.store(id, number);
  reader.orphan_stores(stores);
  reader.blobs();
  reader.orphan_counts();
  visitor.finish();
  return reader.counts();
}

}  // namespace sds::core::maintenance
