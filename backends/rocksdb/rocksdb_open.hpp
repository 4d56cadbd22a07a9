// Opening the rocksdb: backend's databases (internal to it): read-only, for
// writing, and the lock on the LOCK file that keeps other processes out while
// a writer reads through a read-only open (docs/DESIGN.md section 3.8).
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <string>

namespace sds::backend::rocks {

// An open database; the last reference closes it.
using Database = std::shared_ptr<rocksdb::DB>;

// Throws sds::Error for an open that failed with `status`: busy when another
// process holds the database (asked of the LOCK file only when `lock_held` is
// false: the lookup closes a descriptor of the file, which would drop this
// process's own lock), io_error for files RocksDB cannot read.
[[noreturn]] void fail_to_open(const rocksdb::Status& status, const std::string& path,
                               const std::string& uri, bool lock_held);

// The database in `path` opened read-only, or null with the reason in `status`.
Database open_for_reading(const std::string& path, rocksdb::Status& status);

// The database in `path` opened for writing (created if missing); throws as
// fail_to_open() when it cannot be.
Database open_for_writing(const std::string& path, const std::string& uri, bool lock_held);

// This process's POSIX lock on the LOCK file of a database, the one RocksDB
// takes while a database is open for writing, taken through a descriptor of
// its own. RocksDB's own open for writing then succeeds (the lock is the
// process's), and its close releases it; the descriptor stays open until
// then, since closing any descriptor of the file drops the process's locks.
class ProcessLock {
 public:
  // Locks `path`/LOCK; false when the file cannot be opened (RocksDB's own
  // open then says why). Throws busy naming the holder when another process
  // holds the lock.
  bool take(const std::string& path, const std::string& uri);
  // Locks again after a failed open, whose unlocking dropped the lock; false
  // when another process got it meanwhile.
  bool retake();
  bool held() const { return fd_ >= 0; }
  // Closes the descriptor: only once the database is closed.
  void release();
  ~ProcessLock() { release(); }

 private:
  int fd_ = -1;
};

}  // namespace sds::backend::rocks
