#include "core/maintenance/content_writer.hpp"

#include <algorithm>
#include <mutex>

#include "core/batch_scan.hpp"
#include "core/catalog.hpp"
#include "core/keys.hpp"
#include "core/payloads.hpp"
#include "sds/error.hpp"

namespace sds::core::maintenance {
namespace {

// The record that holds `record`'s encoded payload under another key.
Bytes rekeyed(std::string_view key, const Record& record) {
  return frame(key, Encoded{record.codec, record.raw_size, record.payload, {}});
}

}  // namespace

void ContentWriter::store(std::string_view id) {
  commit();
  store_id_ = std::string(id);
  std::lock_guard lock(destination_.write_mutex());
  destination_.kv().update([&](kv::WriteTransaction& txn) {
    number_ = intern_store(txn, id, destination_.where());
    txn.erase_range(keys::store_begin(number_), keys::store_end(number_));
  });
}

void ContentWriter::store_record(std::string_view suffix, const Record& record) {
  std::string key = keys::store_record(number_, suffix);
  Bytes value = rekeyed(key, record);
  add(std::move(key), std::move(value));
}

void ContentWriter::blob(std::string_view hash, std::int64_t ref_count, const Record& record) {
  if (!store_id_.empty()) {  // blobs belong to the database: name no store in messages
    commit();
    store_id_.clear();
  }
  std::string blob_key = keys::blob(hash);
  Bytes blob_value = rekeyed(blob_key, record);
  add(std::move(blob_key), std::move(blob_value));
  std::string refs_key = keys::refs(hash);
  Bytes refs_value = encode_ref_count(refs_key, ref_count);
  add(std::move(refs_key), std::move(refs_value));
}

void ContentWriter::finish() {
  commit();
  destination_.kv().flush();
}

void ContentWriter::add(std::string key, Bytes value) {
  pending_bytes_ += value.size();
  pending_.emplace_back(std::move(key), std::move(value));
  if (pending_bytes_ >= kBatchBytes) commit();
}

void ContentWriter::commit() {
  if (pending_.empty()) return;
  {
    std::lock_guard lock(destination_.write_mutex());
    destination_.kv().update([&](kv::WriteTransaction& txn) {
      for (const auto& [key, value] : pending_) txn.put(key, value);
    });
  }
  verify_written();
  pending_.clear();
  pending_bytes_ = 0;
}

// Reads back what was just committed: a backend that silently drops or mangles
// a write is caught here, not by the first reader after the copy.
void ContentWriter::verify_written() {
  const std::string where =
      store_id_.empty() ? destination_.where() : destination_.where(store_id_);
  destination_.kv().view([&](kv::ReadTransaction& txn) {
    for (const auto& [key, value] : pending_) {
      const auto stored = txn.get(key);
      if (!stored || !std::equal(stored->begin(), stored->end(), value.begin(), value.end())) {
        throw Error(
            Errc::io_error,
            keys::describe(key) + " " + where + " reads back differently from what was written",
            "check the disk; run `sdsctl verify` on the destination");
      }
      open_record(key, *stored, where);
    }
  });
}

}  // namespace sds::core::maintenance
