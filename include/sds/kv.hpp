// The key-value trait: the whole of what a backend implements.
//
// The core keeps snapshots, patches, blobs, checksums and compression on top of
// this; a backend knows nothing of them. A new backend is one class deriving from
// kv::Backend plus a BackendInfo handed to sds::register_backend().
//
// Keys and values are arbitrary byte strings; keys are ordered bytewise
// (memcmp, then shorter first), as SQLite BLOBs, LMDB and RocksDB order them.
// The core keeps every key under 300 bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sds/error.hpp"
#include "sds/export.hpp"
#include "sds/types.hpp"

namespace sds::kv {

// Called once per entry of a scan, in ascending key order. Return false to stop.
// The views are valid only during the call, and the visitor must not call back
// into the transaction that is scanning.
using ScanVisitor = std::function<bool(std::string_view key, ByteView value)>;

// A consistent, read-only view of the database: every read sees the same state.
class SDS_API ReadTransaction {
 public:
  // The value under `key`, or nullopt. The view stays valid until the next call
  // on this transaction or its end, whichever comes first.
  virtual std::optional<ByteView> get(std::string_view key) = 0;
  // Visits every entry with from <= key < to, ascending. An empty `to` means no
  // upper bound.
  virtual void scan(std::string_view from, std::string_view to, const ScanVisitor& visit) = 0;

 protected:
  ~ReadTransaction() = default;
};

// A read-write transaction. Its reads see its own writes.
class SDS_API WriteTransaction : public ReadTransaction {
 public:
  // Inserts or replaces.
  virtual void put(std::string_view key, ByteView value) = 0;
  // Stores `value` under `key` unless the key exists already; true if it
  // stored. The default is get() then put(); a backend with a native form
  // (SQLite INSERT OR IGNORE, LMDB MDB_NOOVERWRITE) saves a lookup.
  virtual bool insert(std::string_view key, ByteView value);
  // Stores the concatenation of `parts` under `key`, as put() of the joined
  // bytes would. The default joins them and calls put(); a backend that can
  // write a value in place (LMDB's MDB_RESERVE) saves the copy and the
  // allocation, which count for values of a megabyte (a record's header and
  // the caller's blob, docs/DESIGN.md section 3.3).
  virtual void put_parts(std::string_view key, std::span<const ByteView> parts);
  // Removes `key`; a missing key is no error.
  virtual void erase(std::string_view key) = 0;
  // Removes every key with from <= key < to (`to` never empty here).
  virtual void erase_range(std::string_view from, std::string_view to) = 0;
  // Runs `fn` as a transaction nested in this one (SQLite SAVEPOINT, an LMDB
  // child transaction): when `fn` throws, every write it made is undone and
  // the exception rethrown, and this transaction goes on as it was before the
  // call; when `fn` returns, its writes are part of this transaction. Nested
  // calls may nest further. The core runs each caller's operation of a group
  // commit this way, so that one failing operation fails only its caller.
  virtual void nested(const std::function<void(WriteTransaction&)>& fn) = 0;

 protected:
  ~WriteTransaction() = default;
};

// What a backend's own check of its files found (Backend::check_integrity).
struct IntegrityCheck {
  bool ran = false;                   // false: the backend has no check of its own
  std::string what;                   // what ran, or why nothing could
  std::vector<std::string> problems;  // one line each; empty when clean
};

// One open database. Every method is safe to call from several threads at once.
// Methods throw sds::Error with the codes of error.hpp, naming the URI.
class SDS_API Backend {
 public:
  virtual ~Backend();

  // Runs `fn` in a read-only transaction. Exceptions from `fn` propagate.
  virtual void view(const std::function<void(ReadTransaction&)>& fn) = 0;

  // Runs `fn` in a read-write transaction, serialized with every other writer
  // of this database (in this process and, where the backend allows several,
  // in others). Committed atomically when `fn` returns, with the durability of
  // the `sync` mode; rolled back when `fn` throws, and the exception rethrown.
  // If the commit fails, nothing is written and sds::Error is thrown.
  // A backend may run `fn` again in a fresh transaction after a failure it can
  // repair (LMDB grows its map), so `fn` must leave no trace outside the
  // transaction before it returns: compute results into variables it assigns
  // afresh on every run.
  // Throws Errc::unsupported when the database was opened read-only.
  virtual void update(const std::function<void(WriteTransaction&)>& fn) = 0;

  // Makes every committed write durable, whatever the sync mode.
  virtual void flush() = 0;

  // Bytes the database occupies on disk, where the backend knows them.
  virtual std::optional<std::uint64_t> bytes_on_disk();

  // Gives space held by deleted data back to the file system (SQLite VACUUM,
  // a RocksDB full compaction, an LMDB compacting copy). Throws Errc::busy
  // where that is unsafe while other processes have the database open, and
  // Errc::unsupported (the default) where the backend has nothing to reclaim.
  virtual void compact();

  // Runs the library's own check of its files, beyond the records the core
  // reads and checks itself: SQLite's PRAGMA integrity_check, RocksDB's
  // checksum verification (sdsctl verify). The default runs nothing.
  virtual IntegrityCheck check_integrity();
};

}  // namespace sds::kv
