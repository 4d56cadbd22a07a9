// The staging step of docs/DESIGN.md section 13 over the kv trait: staged
// stores live under store numbers that no id names yet, staged blobs under
// their own keys with a "T" "b" entry each, and publishing binds the ids to
// the new numbers and sets the counts, all in one transaction.
#include <algorithm>
#include <limits>
#include <mutex>

#include "core/batch_scan.hpp"
#include "core/catalog.hpp"
#include "core/errors.hpp"
#include "core/keys.hpp"
#include "core/payloads.hpp"
#include "core/record.hpp"
#include "core/staging.hpp"
#include "core/staging_order.hpp"
#include "core/staging_owner.hpp"
#include "sds/error.hpp"

namespace sds::core {
namespace {

std::int64_t add_counts(std::int64_t a, std::int64_t b) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  return a > kMax - b ? kMax : a + b;  // both are positive: err upward, never wrap
}

class KvStaging final : public Staging {
 public:
  KvStaging(std::shared_ptr<SharedBackend> target, TargetPolicy policy)
      : target_(std::move(target)), policy_(policy), where_(target_->where()) {
    claim();
    try {
      remove_staged();  // what an interrupted staging left
      if (policy_ == TargetPolicy::empty) {
        check_empty_target(count_target(*target_), target_->uri());
      }
    } catch (...) {
      release();
      throw;
    }
  }

  ~KvStaging() override {
    if (state_ != State::staging) return;
    try {
      abandon();
    } catch (...) {
      // The next staging into this database removes what is left.
    }
  }

  void store(std::string_view id) override {
    check_staging();
    order_.store(id);
    end_store();
    if (policy_ != TargetPolicy::replace) {
      bool exists = false;
      target_->kv().view(
          [&](kv::ReadTransaction& txn) { exists = find_store(txn, id, where_).has_value(); });
      if (exists) {
        throw Error(Errc::invalid_argument,
                    "store '" + keys::printable(id) + "' exists " + where_ + " already",
                    "choose to replace the stores of the same ids, or remove it first");
      }
    }
    Current current;
    current.id = std::string(id);
    const std::string sequence_key = keys::staging_store(sequence_++);
    target_->write([&](kv::WriteTransaction& txn, WriteContext&) {
      current.number = allocate_store_number(txn, where_);
      txn.put(sequence_key, encode_staged_store(sequence_key, {current.number, current.id}));
    });
    current_ = std::move(current);
  }

  void store_record(std::string_view suffix, const Record& record) override {
    check_staging();
    if (!current_) damaged("a record outside any store");
    Current& current = *current_;
    const std::string name = "store '" + keys::printable(current.id) + "'";
    const auto kind = keys::parse_store_suffix(suffix);
    if (!kind) {
      damaged("record '" + keys::printable(suffix) + "' of " + name + " is of no known kind");
    }
    std::string key = keys::store_record(current.number, suffix);
    const std::string where = "(" + name + ")";
    decode_record(record, key, where);  // size limit, zstd frame: as every read does
    switch (kind->kind) {
      case keys::StoreRecordKind::snapshot_header:
        if (current.header) damaged("the snapshot header of " + name + " appears twice");
        if (record.codec != Codec::raw) {
          damaged("the snapshot header of " + name + " is compressed");
        }
        current.header = parse_snapshot_header(record.payload, where);
        break;
      case keys::StoreRecordKind::snapshot:
        if (current.snapshot) damaged("the snapshot of " + name + " appears twice");
        current.snapshot =
            SnapshotHeader{0, record.raw_size, kRecordHeaderSize + record.payload.size()};
        break;
      case keys::StoreRecordKind::patch:
        order_.patch(kind->clock, name);
        break;
    }
    Bytes value = frame(key, Encoded{record.codec, record.raw_size, record.payload, {}});
    pending_bytes_ += value.size();
    records_.emplace_back(std::move(key), std::move(value));
    if (pending_bytes_ >= kBatchBytes) commit();
  }

  void blob(std::string_view hash, std::int64_t ref_count, const Record& record) override {
    check_staging();
    end_store();
    order_.blob(hash, ref_count);
    const std::string name = "blob '" + keys::printable(hash) + "'";
    const std::string key = keys::blob(hash);
    decode_record(record, key, "(" + name + ")");
    Bytes value = frame(key, Encoded{record.codec, record.raw_size, record.payload, {}});
    pending_bytes_ += value.size();
    blobs_.push_back({std::string(hash), ref_count, std::move(value), false});
    if (pending_bytes_ >= kBatchBytes) commit();
  }

  void finish() override {
    check_staging();
    end_store();
    commit();
  }

  PublishReport publish() override {
    finish();
    PublishReport report;
    target_->write([&](kv::WriteTransaction& txn, WriteContext&) {
      report = publish_in(txn);  // afresh on every run of the transaction
    });
    state_ = State::published;
    target_->kv().flush();
    return report;
  }

  void abandon() override {
    if (state_ != State::staging) return;
    state_ = State::abandoned;
    records_.clear();
    blobs_.clear();
    remove_staged();
    release();
  }

 private:
  enum class State { staging, published, abandoned };

  // The store being staged, and what its records said so far.
  struct Current {
    std::string id;
    std::uint64_t number = 0;
    std::optional<SnapshotHeader> header;
    std::optional<SnapshotHeader> snapshot;  // its sizes as staged
  };

  struct PendingBlob {
    std::string hash;
    std::int64_t ref_count = 0;
    Bytes value;
    bool written = false;  // set by commit(): the target had no data under the hash
  };

  [[noreturn]] static void damaged(const std::string& what) { StagingOrder::damaged(what); }

  void check_staging() const {
    if (state_ != State::staging) {
      throw Error(Errc::closed, "the staging into " + in_quotes(target_->uri()) + " is over",
                  "begin another");
    }
  }

  // The staged store's records must read back as one store: a header with
  // its snapshot, of the sizes the snapshot has.
  void end_store() {
    if (!current_) return;
    const Current current = std::move(*current_);
    current_.reset();
    const std::string name = "store '" + keys::printable(current.id) + "'";
    if (current.header && !current.snapshot)
      damaged(name + " has a snapshot header but no snapshot");
    if (!current.header && current.snapshot)
      damaged(name + " has a snapshot but no snapshot header");
    if (current.header && (current.header->raw_size != current.snapshot->raw_size ||
                           current.header->stored_size != current.snapshot->stored_size)) {
      damaged("the snapshot header of " + name + " gives sizes " +
              std::to_string(current.header->raw_size) + "/" +
              std::to_string(current.header->stored_size) + ", the snapshot has " +
              std::to_string(current.snapshot->raw_size) + "/" +
              std::to_string(current.snapshot->stored_size));
    }
  }

  // Writes the pending records and blobs in one transaction, then reads them
  // back: a backend that drops or mangles a write is caught before publishing.
  void commit() {
    if (records_.empty() && blobs_.empty()) return;
    {
      target_->write([&](kv::WriteTransaction& txn, WriteContext&) {
        for (const auto& [key, value] : records_) txn.put(key, value);
        for (PendingBlob& blob : blobs_) {
          const std::string key = keys::blob(blob.hash);
          blob.written = !txn.get(key).has_value();  // afresh on every run
          if (blob.written) txn.put(key, blob.value);
          const std::string staged = keys::staging_blob(blob.hash);
          txn.put(staged, encode_staged_blob(staged, {blob.ref_count, blob.written}));
        }
      });
    }
    target_->kv().view([&](kv::ReadTransaction& txn) {
      for (const auto& [key, value] : records_) check_written(txn, key, value);
      for (const PendingBlob& blob : blobs_) {
        const std::string key = keys::blob(blob.hash);
        if (blob.written) {
          check_written(txn, key, blob.value);
        } else if (const auto stored = txn.get(key)) {
          // Kept as the target has it: it must be sound to be referenced more.
          decode_record(open_record(key, *stored, where_), key, where_);
        }
      }
    });
    records_.clear();
    blobs_.clear();
    pending_bytes_ = 0;
  }

  void check_written(kv::ReadTransaction& txn, const std::string& key, const Bytes& value) const {
    const auto stored = txn.get(key);
    if (!stored || !std::equal(stored->begin(), stored->end(), value.begin(), value.end())) {
      throw Error(Errc::io_error,
                  keys::describe(key) + " staged " + where_ +
                      " reads back differently from what was written",
                  "check the disk and the backend; nothing was published");
    }
    open_record(key, *stored, where_);
  }

  PublishReport publish_in(kv::WriteTransaction& txn) {
    const std::string header_key = keys::staging_header();
    const auto header = txn.get(header_key);
    if (!header ||
        parse_staging_header(open_record(header_key, *header, where_).payload, where_).token !=
            header_.token) {
      throw Error(Errc::io_error, "the staging area " + where_ + " was removed by another process",
                  "nothing was published; run the transfer again");
    }
    if (policy_ == TargetPolicy::empty) {
      bool any = !list_stores(txn, where_).empty();
      txn.scan(keys::refs_begin(), keys::refs_end(), [&](std::string_view, ByteView) {
        any = true;
        return false;
      });
      if (any) {
        throw Error(Errc::invalid_argument,
                    in_quotes(target_->uri()) + " was written to while the transfer ran",
                    "nothing was published; run the transfer again");
      }
    }
    PublishReport report;
    for_each_staged(txn, keys::staging_stores_begin(), keys::staging_stores_end(),
                    [&](const std::string& key, ByteView value) {
                      const StagedStore staged =
                          parse_staged_store(open_record(key, value, where_).payload, where_);
                      const auto before = bind_store(txn, staged.id, staged.number, where_);
                      if (!before) {
                        ++report.stores_added;
                        return;
                      }
                      if (policy_ != TargetPolicy::replace) {
                        throw Error(Errc::invalid_argument,
                                    "store '" + keys::printable(staged.id) + "' was written " +
                                        where_ + " while the transfer ran",
                                    "nothing was published; run the transfer again");
                      }
                      txn.erase_range(keys::store_begin(*before), keys::store_end(*before));
                      ++report.stores_replaced;
                      report.replaced.push_back(staged.id);
                    });
    for_each_staged(
        txn, keys::staging_blobs_begin(), keys::staging_blobs_end(),
        [&](const std::string& key, ByteView value) {
          const std::string hash(keys::staged_blob_hash(key));
          const StagedBlob staged =
              parse_staged_blob(open_record(key, value, where_).payload, where_);
          if (!txn.get(keys::blob(hash))) {
            throw Error(
                Errc::io_error,
                "the data of blob '" + keys::printable(hash) + "' staged " + where_ + " is gone",
                "nothing was published; run the transfer again");
          }
          const std::string refs = keys::refs(hash);
          std::int64_t count = staged.ref_count;
          if (const auto stored = txn.get(refs)) {
            count = add_counts(parse_ref_count(open_record(refs, *stored, where_).payload, where_),
                               count);
            ++report.blobs_counted;
          } else {
            ++report.blobs_added;
          }
          txn.put(refs, encode_ref_count(refs, count));
        });
    txn.erase_range(keys::staging_begin(), keys::staging_end());
    return report;
  }

  // Calls `fn` for every entry of [from, to) in `txn`, batch by batch, so
  // that `fn` may use the transaction and memory stays bounded.
  static void for_each_staged(kv::WriteTransaction& txn, const std::string& from,
                              const std::string& to,
                              const std::function<void(const std::string&, ByteView)>& fn) {
    std::optional<std::string> cursor = from;
    std::vector<KvEntry> batch;
    while (cursor) {
      batch.clear();
      cursor = scan_batch(txn, *cursor, to, [&](std::string_view key, ByteView value) {
        batch.push_back({std::string(key), Bytes(value.begin(), value.end())});
      });
      for (const KvEntry& entry : batch) fn(entry.key, entry.value);
    }
  }

  // Marks the database as being staged into by this process, unless another
  // process is doing so; a staging area of a process that is gone becomes
  // this one's to remove.
  void claim() {
    header_ = this_process();
    const std::string key = keys::staging_header();
    std::optional<StagingHeader> other;
    target_->write([&](kv::WriteTransaction& txn, WriteContext&) {
      other.reset();
      if (const auto stored = txn.get(key)) {
        const StagingHeader found =
            parse_staging_header(open_record(key, *stored, where_).payload, where_);
        if (is_running(found)) {
          other = found;
          return;
        }
      }
      txn.put(key, encode_staging_header(key, header_));
    });
    if (other) {
      throw Error(
          Errc::busy,
          "another transfer into " + in_quotes(target_->uri()) + " is running (process " +
              std::to_string(other->pid) + " on " + other->host + ")",
          "wait for it to end; if that process is gone, run this on " + other->host + " again");
    }
  }

  // Removes the header, if it is still this staging's.
  void release() {
    const std::string key = keys::staging_header();
    target_->write([&](kv::WriteTransaction& txn, WriteContext&) {
      const auto stored = txn.get(key);
      if (stored && parse_staging_header(open_record(key, *stored, where_).payload, where_).token ==
                        header_.token) {
        txn.erase(key);
      }
    });
  }

  // Removes every staged store and blob, in bounded transactions; each leaves
  // what remains removable, so an interruption here is finished next time.
  void remove_staged() {
    scan_batches(
        target_->kv(), keys::staging_stores_begin(), keys::staging_stores_end(),
        [&](std::vector<KvEntry>& batch) {
          target_->write([&](kv::WriteTransaction& txn, WriteContext&) {
            for (const KvEntry& entry : batch) {
              const StagedStore staged =
                  parse_staged_store(open_record(entry.key, entry.value, where_).payload, where_);
              txn.erase_range(keys::store_begin(staged.number), keys::store_end(staged.number));
              txn.erase(entry.key);
            }
          });
          return true;
        });
    scan_batches(target_->kv(), keys::staging_blobs_begin(), keys::staging_blobs_end(),
                 [&](std::vector<KvEntry>& batch) {
                   target_->write([&](kv::WriteTransaction& txn, WriteContext&) {
                     for (const KvEntry& entry : batch) {
                       const StagedBlob staged = parse_staged_blob(
                           open_record(entry.key, entry.value, where_).payload, where_);
                       const std::string_view hash = keys::staged_blob_hash(entry.key);
                       // Data this staging wrote, unless a writer counted it meanwhile.
                       if (staged.data_written && !txn.get(keys::refs(hash))) {
                         txn.erase(keys::blob(hash));
                       }
                       txn.erase(entry.key);
                     }
                   });
                   return true;
                 });
  }

  std::shared_ptr<SharedBackend> target_;
  TargetPolicy policy_;
  std::string where_;
  StagingHeader header_;
  State state_ = State::staging;
  std::optional<Current> current_;
  StagingOrder order_;
  std::uint64_t sequence_ = 0;
  std::vector<std::pair<std::string, Bytes>> records_;
  std::vector<PendingBlob> blobs_;
  std::size_t pending_bytes_ = 0;
};

}  // namespace

TargetContents count_target(SharedBackend& target) {
  TargetContents contents;
  target.kv().view([&](kv::ReadTransaction& txn) {
    contents.stores = list_stores(txn, target.where()).size();
    contents.blobs = 0;
    txn.scan(keys::refs_begin(), keys::refs_end(), [&](std::string_view, ByteView) {
      ++contents.blobs;
      return true;
    });
  });
  return contents;
}

std::unique_ptr<Staging> begin_staging(std::shared_ptr<SharedBackend> target, TargetPolicy policy) {
  return std::make_unique<KvStaging>(std::move(target), policy);
}

std::optional<StagingArea> find_staging(SharedBackend& target) {
  std::optional<StagingArea> area;
  target.kv().view([&](kv::ReadTransaction& txn) {
    area.reset();
    const std::string key = keys::staging_header();
    StagingArea found;
    bool any = false;
    if (const auto stored = txn.get(key)) {
      found.header =
          parse_staging_header(open_record(key, *stored, target.where()).payload, target.where());
      found.running = is_running(found.header);
      any = true;
    }
    txn.scan(keys::staging_stores_begin(), keys::staging_stores_end(),
             [&](std::string_view, ByteView) {
               ++found.stores;
               return true;
             });
    txn.scan(keys::staging_blobs_begin(), keys::staging_blobs_end(),
             [&](std::string_view, ByteView) {
               ++found.blobs;
               return true;
             });
    if (any || found.stores > 0 || found.blobs > 0) area = found;
  });
  return area;
}

}  // namespace sds::core
