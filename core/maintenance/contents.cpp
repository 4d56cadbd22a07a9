#include "core/maintenance/contents.hpp"

#include <algorithm>

#include "core/batch_scan.hpp"
#include "core/catalog.hpp"
#include "core/errors.hpp"
#include "core/keys.hpp"
#include "core/payloads.hpp"
#include "sds/error.hpp"

namespace sds::core::maintenance {
namespace {

using StoreList = std::vector<std::pair<std::string, std::uint64_t>>;

StoreList selected_stores(SharedBackend& source, const Selection& selection) {
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
  return out;
}

// Opens and decodes a record, so a damaged one stops the transfer here.
Record checked(std::string_view key, ByteView value, std::string_view where) {
  const Record record = open_record(key, value, where);
  decode_record(record, key, where);
  return record;
}

class Reader {
 public:
  Reader(SharedBackend& source, ContentVisitor& visitor, const Progress& progress)
      : source_(source),
        visitor_(visitor),
        progress_(progress),
        total_(source.kv().bytes_on_disk().value_or(0)) {}

  void store(const std::string& id, std::uint64_t number) {
    visitor_.store(id);
    ++counts_.stores;
    const std::string where = source_.where(id);
    scan_batches(source_.kv(), keys::store_begin(number), keys::store_end(number),
                 [&](std::vector<KvEntry>& batch) {
                   for (const KvEntry& entry : batch) {
                     const Record record = checked(entry.key, entry.value, where);
                     const auto parsed = keys::parse_store_key(entry.key);
                     if (!parsed) {
                       throw Error(Errc::corruption,
                                   keys::describe(entry.key) + " " + where + " is malformed",
                                   kDamagedAdvice);
                     }
                     visitor_.store_record(parsed->suffix, record);
                     count(counts_.records, entry.value.size());
                   }
                   return true;
                 });
  }

  void blobs() {
    const std::string where = source_.where();
    scan_batches(source_.kv(), keys::blobs_begin(), keys::blobs_end(),
                 [&](std::vector<KvEntry>& batch) {
                   const std::vector<std::int64_t> counts = ref_counts(batch, where);
                   for (std::size_t i = 0; i < batch.size(); ++i) {
                     const Record record = checked(batch[i].key, batch[i].value, where);
                     visitor_.blob(keys::blob_hash(batch[i].key), counts[i], record);
                     count(counts_.blobs, batch[i].value.size());
                   }
                   return true;
                 });
  }

  ContentCounts counts() const { return counts_; }

 private:
  // The reference counts of a batch of blobs, read in one transaction.
  std::vector<std::int64_t> ref_counts(const std::vector<KvEntry>& batch, std::string_view where) {
    std::vector<std::int64_t> out;
    source_.kv().view([&](kv::ReadTransaction& txn) {
      out.clear();
      for (const KvEntry& entry : batch) {
        const std::string_view hash = keys::blob_hash(entry.key);
        const std::string key = keys::refs(hash);
        const auto stored = txn.get(key);
        if (!stored) {
          throw Error(Errc::corruption,
                      "blob '" + keys::printable(hash) + "' " + std::string(where) +
                          " has no reference count",
                      kDamagedAdvice);
        }
        out.push_back(parse_ref_count(open_record(key, *stored, where).payload, where));
      }
    });
    return out;
  }

  void count(std::uint64_t& counter, std::size_t bytes) {
    ++counter;
    counts_.bytes += bytes;
    if (progress_) progress_(counts_.bytes, std::max(total_, counts_.bytes));
  }

  SharedBackend& source_;
  ContentVisitor& visitor_;
  const Progress& progress_;
  std::uint64_t total_;
  ContentCounts counts_;
};

}  // namespace

ContentCounts read_contents(SharedBackend& source, const Selection& selection,
                            ContentVisitor& visitor, const Progress& progress) {
  Reader reader(source, visitor, progress);
  for (const auto& [id, number] : selected_stores(source, selection)) reader.store(id, number);
  if (selection.blobs) reader.blobs();
  visitor.finish();
  return reader.counts();
}

}  // namespace sds::core::maintenance
