#include "backends/rocksdb/rocksdb_transactions.hpp"

#include <iterator>

#include "core/errors.hpp"

namespace sds::backend::rocks {
namespace {

rocksdb::Slice slice(std::string_view bytes) { return {bytes.data(), bytes.size()}; }
std::string_view chars(const rocksdb::Slice& bytes) { return {bytes.data(), bytes.size()}; }
ByteView view(const rocksdb::Slice& bytes) {
  return {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()};
}

}  // namespace

Errc code_of(const rocksdb::Status& status) {
  if (status.IsCorruption()) return Errc::corruption;
  if (status.IsNoSpace() || status.subcode() == rocksdb::Status::kSpaceLimit) return Errc::full;
  if (status.IsBusy() || status.IsTimedOut() || status.IsTryAgain()) return Errc::busy;
  // A database held by another open is an IOError without a subcode: the
  // backend tells it from the LOCK file itself (rocksdb_backend.cpp).
  if (status.IsIOError()) return Errc::io_error;
  if (status.IsNotSupported()) return Errc::unsupported;
  if (status.IsInvalidArgument()) return Errc::invalid_argument;
  return Errc::io_error;
}

void fail(const rocksdb::Status& status, std::string_view what, const std::string& uri) {
  std::string advice;
  switch (code_of(status)) {
    case Errc::corruption:
      advice = "run `sdsctl verify`, and restore from a backup";
      break;
    case Errc::full:
      advice = "free some disk space";
      break;
    case Errc::busy:
      advice = "retry when the other writer is done";
      break;
    default:
      advice = "check the directory, its permissions and the disk";
      break;
  }
  throw Error(code_of(status),
              "rocksdb: " + std::string(what) + " on " + core::in_quotes(uri) +
                  " failed: " + status.ToString(),
              advice);
}

std::optional<ByteView> Reader::get(std::string_view key) {
  pinned_.Reset();  // ends the previous get(), whose view is now invalid
  const rocksdb::Status status =
      db_.Get(read_options_, db_.DefaultColumnFamily(), slice(key), &pinned_);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) fail(status, "reading", uri_);
  return view(pinned_);
}

std::unique_ptr<rocksdb::Iterator> Reader::iterator(std::string_view to,
                                                    rocksdb::Slice& upper_bound) {
  rocksdb::ReadOptions options = read_options_;
  if (!to.empty()) {
    upper_bound = slice(to);
    options.iterate_upper_bound = &upper_bound;
  }
  return std::unique_ptr<rocksdb::Iterator>(db_.NewIterator(options));
}

void Reader::check(const rocksdb::Iterator& iterator) const {
  if (!iterator.status().ok()) fail(iterator.status(), "scanning", uri_);
}

void ReadTransaction::scan(std::string_view from, std::string_view to,
                           const kv::ScanVisitor& visit) {
  rocksdb::Slice upper_bound;
  const auto it = reader_.iterator(to, upper_bound);
  for (it->Seek(slice(from)); it->Valid(); it->Next()) {
    if (!visit(chars(it->key()), view(it->value()))) return;
  }
  reader_.check(*it);
}

ByteView WriteTransaction::value_of(const Span& span) const {
  return as_bytes(std::string_view(batch_.Data()).substr(span.offset, span.size));
}

void WriteTransaction::check(const rocksdb::Status& status, std::string_view what) const {
  if (!status.ok()) fail(status, what, uri_);
}

std::optional<ByteView> WriteTransaction::get(std::string_view key) {
  if (const auto it = overlay_.find(key); it != overlay_.end()) {
    if (!it->second) return std::nullopt;
    return value_of(*it->second);
  }
  if (erased_range_of(key) != erased_.end()) return std::nullopt;
  return reader_.get(key);
}

void WriteTransaction::scan(std::string_view from, std::string_view to,
                            const kv::ScanVisitor& visit) {
  rocksdb::Slice upper_bound;
  const auto stored = reader_.iterator(to, upper_bound);
  stored->Seek(slice(from));
  auto own = overlay_.lower_bound(from);
  const auto own_end = to.empty() ? overlay_.end() : overlay_.lower_bound(to);
  for (;;) {
    // Stored keys in a range this transaction erased are jumped over in one seek.
    while (stored->Valid()) {
      const auto range = erased_range_of(chars(stored->key()));
      if (range == erased_.end()) break;
      stored->Seek(slice(range->second));
    }
    reader_.check(*stored);
    if (!stored->Valid() && own == own_end) return;
    const int order = !stored->Valid() ? 1
                      : own == own_end ? -1
                                       : chars(stored->key()).compare(own->first);
    if (order < 0) {
      if (!visit(chars(stored->key()), view(stored->value()))) return;
      stored->Next();
      continue;
    }
    if (order == 0) stored->Next();  // this transaction's write hides the stored value
    if (own->second && !visit(own->first, value_of(*own->second))) return;
    ++own;
  }
}

void WriteTransaction::put(std::string_view key, ByteView value) {
  remember(key);
  check(batch_.Put(slice(key), slice(as_chars(value))), "writing");
  // A Put ends with the value (the WAL's record format: tag, key, value).
  const Span span{batch_.GetDataSize() - value.size(), value.size()};
  const auto it = overlay_.lower_bound(key);
  if (it != overlay_.end() && it->first == key) {
    it->second = span;
  } else {
    overlay_.emplace_hint(it, std::string(key), span);
  }
}

void WriteTransaction::erase(std::string_view key) {
  remember(key);
  check(batch_.Delete(slice(key)), "deleting");
  overlay_.insert_or_assign(std::string(key), std::nullopt);
}

void WriteTransaction::remember(std::string_view key) {
  if (levels_.empty()) return;
  const auto it = overlay_.find(key);
  if (it == overlay_.end()) {
    undo_.push_back({std::string(key), std::nullopt});
  } else {
    undo_.push_back({it->first, it->second});
  }
}

void WriteTransaction::remember_erased_ranges() {
  if (!levels_.empty() && !levels_.back().erased_before) levels_.back().erased_before = erased_;
}

void WriteTransaction::clear() {
  batch_.Clear();
  overlay_.clear();
  erased_.clear();
}

void WriteTransaction::nested(const std::function<void(kv::WriteTransaction&)>& fn) {
  if (levels_.empty() && empty()) {
    // Nothing written yet: undoing fn is dropping everything, so neither a
    // save point nor an undo log is kept (its own nested calls keep theirs).
    try {
      fn(*this);
    } catch (...) {
      clear();
      throw;
    }
    return;
  }
  levels_.push_back({undo_.size(), std::nullopt});
  batch_.SetSavePoint();
  try {
    fn(*this);
  } catch (...) {
    NestedLevel level = std::move(levels_.back());
    levels_.pop_back();
    while (undo_.size() > level.undo_mark) {
      OverlayUndo& entry = undo_.back();
      if (entry.old_entry) {
        overlay_.insert_or_assign(std::move(entry.key), *entry.old_entry);
      } else {
        overlay_.erase(entry.key);
      }
      undo_.pop_back();
    }
    if (level.erased_before) erased_ = std::move(*level.erased_before);
    check(batch_.RollbackToSavePoint(), "rolling back");
    throw;
  }
  check(batch_.PopSavePoint(), "keeping a nested write");
  NestedLevel level = std::move(levels_.back());
  levels_.pop_back();
  if (levels_.empty()) {
    undo_.clear();  // nothing left that could roll back
  } else if (!levels_.back().erased_before && level.erased_before) {
    // The enclosing call started with the ranges this one saw at its start.
    levels_.back().erased_before = std::move(level.erased_before);
  }
}

void WriteTransaction::erase_range(std::string_view from, std::string_view to) {
  if (from >= to) return;
  remember_erased_ranges();
  check(batch_.DeleteRange(slice(from), slice(to)), "deleting a range");
  const auto first = overlay_.lower_bound(from);
  const auto last = overlay_.lower_bound(to);
  if (!levels_.empty()) {
    for (auto it = first; it != last; ++it) undo_.push_back({it->first, it->second});
  }
  overlay_.erase(first, last);
  // Merged with the erased ranges it overlaps or touches, so they stay disjoint.
  std::string start(from);
  std::string end(to);
  auto it = erased_.upper_bound(from);
  if (it != erased_.begin() && std::prev(it)->second >= from) --it;
  while (it != erased_.end() && it->first <= end) {
    if (it->first < start) start = it->first;
    if (it->second > end) end = it->second;
    it = erased_.erase(it);
  }
  erased_.emplace(std::move(start), std::move(end));
}

WriteTransaction::ErasedRanges::const_iterator WriteTransaction::erased_range_of(
    std::string_view key) const {
  auto it = erased_.upper_bound(key);
  if (it == erased_.begin()) return erased_.end();
  --it;
  return key < it->second ? it : erased_.end();
}

}  // namespace sds::backend::rocks
