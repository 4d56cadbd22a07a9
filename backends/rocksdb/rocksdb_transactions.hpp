// The key-value transactions of the rocksdb: backend (internal to it).
//
// Reads run at a rocksdb::Snapshot. A write transaction cannot be a RocksDB
// transaction: in RocksDB 7.8 neither TransactionDB nor WriteBatchWithIndex
// accepts DeleteRange. Its writes go into a plain WriteBatch, committed
// atomically, and an overlay (keys put or erased, plus the erased ranges)
// that its reads merge over the database. Writers are serialized by the
// caller, so the database under a write transaction only changes through it.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sds/error.hpp"
#include "sds/kv.hpp"

namespace sds::backend::rocks {

// The Errc of a failed RocksDB status.
Errc code_of(const rocksdb::Status& status);

// Throws sds::Error for a failed `status`: "rocksdb: <what> on <uri> failed: ...".
[[noreturn]] void fail(const rocksdb::Status& status, std::string_view what,
                       const std::string& uri);

// Reads of one transaction at `read_options` (with or without a snapshot),
// which must outlive the reader.
class Reader {
 public:
  Reader(rocksdb::DB& db, const rocksdb::ReadOptions& read_options, const std::string& uri)
      : db_(db), read_options_(read_options), uri_(uri) {}

  // The stored value, pinned until the next get() on this reader.
  std::optional<ByteView> get(std::string_view key);
  // A RocksDB iterator over [from, to); an empty `to` means unbounded. The
  // bound is stored in `upper_bound`, which must outlive the iterator.
  std::unique_ptr<rocksdb::Iterator> iterator(std::string_view to, rocksdb::Slice& upper_bound);
  void check(const rocksdb::Iterator& iterator) const;

 private:
  rocksdb::DB& db_;
  const rocksdb::ReadOptions& read_options_;
  const std::string& uri_;
  rocksdb::PinnableSlice pinned_;
};

class ReadTransaction final : public kv::ReadTransaction {
 public:
  ReadTransaction(rocksdb::DB& db, const rocksdb::ReadOptions& read_options, const std::string& uri)
      : reader_(db, read_options, uri) {}
  std::optional<ByteView> get(std::string_view key) override { return reader_.get(key); }
  void scan(std::string_view from, std::string_view to, const kv::ScanVisitor& visit) override;

 private:
  Reader reader_;
};

// Each write goes into `batch` at once, in the order of the calls: RocksDB
// gives the entries of one batch increasing sequence numbers, so a put after
// a range erase over its key survives it, and the last write of a key wins.
// The overlay maps each key put or erased since the last erase_range over it
// to its value in the batch, for the transaction's own reads.
class WriteTransaction final : public kv::WriteTransaction {
 public:
  // `batch` must be empty; it holds the transaction's writes when fn returns.
  WriteTransaction(rocksdb::DB& db, const rocksdb::ReadOptions& read_options,
                   rocksdb::WriteBatch& batch, const std::string& uri)
      : reader_(db, read_options, uri), batch_(batch), uri_(uri) {}

  std::optional<ByteView> get(std::string_view key) override;
  void scan(std::string_view from, std::string_view to, const kv::ScanVisitor& visit) override;
  void put(std::string_view key, ByteView value) override;
  void erase(std::string_view key) override;
  void erase_range(std::string_view from, std::string_view to) override;
  // Undoes a throwing `fn`'s writes: the batch back to a save point, the
  // overlay from an undo log; neither is needed when the transaction held no
  // write before the call (a group commit's single write).
  void nested(const std::function<void(kv::WriteTransaction&)>& fn) override;

  bool empty() const { return batch_.Count() == 0; }
  // The erased ranges, disjoint and ascending: start -> end.
  const std::map<std::string, std::string, std::less<>>& erased_ranges() const { return erased_; }

 private:
  // Where a value lies in the batch's data (which may move as it grows).
  struct Span {
    std::size_t offset = 0;
    std::size_t size = 0;
  };
  using Overlay = std::map<std::string, std::optional<Span>, std::less<>>;
  using ErasedRanges = std::map<std::string, std::string, std::less<>>;

  ByteView value_of(const Span& span) const;
  // The erased range holding `key`, or erased_.end().
  ErasedRanges::const_iterator erased_range_of(std::string_view key) const;
  // Drops every write: the transaction is as new.
  void clear();
  void check(const rocksdb::Status& status, std::string_view what) const;

  // Logs the overlay entry of `key` as it is now, if a nested call is open.
  void remember(std::string_view key);
  void remember_erased_ranges();

  Reader reader_;
  rocksdb::WriteBatch& batch_;
  const std::string& uri_;
  // Keys put (a value) or erased (nullopt) since the last erase_range over them.
  Overlay overlay_;
  ErasedRanges erased_;

  // For nested(): the overlay entries as they were before each change (nullopt:
  // the key had none), and per open nested call, where its log starts and the
  // erased ranges as they were at its start, copied on its first erase_range.
  struct OverlayUndo {
    std::string key;
    std::optional<std::optional<Span>> old_entry;
  };
  struct NestedLevel {
    std::size_t undo_mark = 0;
    std::optional<ErasedRanges> erased_before;
  };
  std::vector<OverlayUndo> undo_;
  std::vector<NestedLevel> levels_;
};

}  // namespace sds::backend::rocks
