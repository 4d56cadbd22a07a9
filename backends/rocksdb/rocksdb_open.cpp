#include "backends/rocksdb/rocksdb_open.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <vector>

#include "backends/rocksdb/rocksdb_options.hpp"
#include "backends/rocksdb/rocksdb_transactions.hpp"
#include "core/errors.hpp"
#include "sds/error.hpp"

namespace sds::backend::rocks {
namespace {

// The lock RocksDB takes: a write lock on the whole file.
struct flock whole_file(short type) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  return lock;
}

[[noreturn]] void busy(const std::string& uri, pid_t holder) {
  throw Error(Errc::busy,
              "cannot open " + core::in_quotes(uri) + ": another process holds the database (pid " +
                  std::to_string(holder) + "; RocksDB admits one process per database)",
              "close it there, or open it read-only");
}

// The process holding the LOCK file of the database in `path`, if another
// one does. Asked only when this process holds no lock there: the lookup
// closes its descriptor of the file.
std::optional<pid_t> lock_holder(const std::string& path) {
  const int fd = ::open((path + "/LOCK").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct flock lock = whole_file(F_RDLCK);  // conflicts with the holder's write lock
  const int rc = ::fcntl(fd, F_GETLK, &lock);
  ::close(fd);
  if (rc != 0 || lock.l_type == F_UNLCK) return std::nullopt;
  return lock.l_pid;
}

void close_database(rocksdb::DB* db) {
  db->Close().PermitUncheckedError();
  delete db;
}

}  // namespace

void fail_to_open(const rocksdb::Status& status, const std::string& path, const std::string& uri,
                  bool lock_held) {
  if (!lock_held && status.IsIOError()) {
    if (const auto holder = lock_holder(path)) busy(uri, *holder);
  }
  // The options are the backend's own and valid. RocksDB answers
  // InvalidArgument when it cannot open CURRENT or the MANIFEST for reading
  // (it blames direct I/O, which the backend never asks for): a failed read.
  if (status.IsInvalidArgument()) {
    fail(rocksdb::Status::IOError("cannot read the database's files", status.ToString()), "opening",
         uri);
  }
  fail(status, "opening", uri);
}

Database open_for_reading(const std::string& path, rocksdb::Status& status) {
  const rocksdb::Options options = database_options(true);
  // Through the overload with column families: the other one serves a
  // database of at most one table file per level with RocksDB's
  // CompactedDBImpl, whose Get answers NotFound for every value in a blob
  // file (RocksDB issue 12503, in 7.8 still): after a clean close, a
  // snapshot or blob of 64 KiB or more would read as missing.
  const std::vector<rocksdb::ColumnFamilyDescriptor> families{
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions(options)}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  status = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(options), path, families, &handles, &db);
  if (!status.ok()) return nullptr;
  rocksdb::ColumnFamilyHandle* family = handles.front();
  return Database(db, [family](rocksdb::DB* opened) {
    opened->DestroyColumnFamilyHandle(family).PermitUncheckedError();
    close_database(opened);
  });
}

Database open_for_writing(const std::string& path, const std::string& uri, bool lock_held) {
  rocksdb::DB* db = nullptr;
  const rocksdb::Status status = rocksdb::DB::Open(database_options(false), path, &db);
  if (!status.ok()) fail_to_open(status, path, uri, lock_held);
  return Database(db, close_database);
}

bool ProcessLock::take(const std::string& path, const std::string& uri) {
  const int fd = ::open((path + "/LOCK").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  struct flock lock = whole_file(F_WRLCK);
  if (::fcntl(fd, F_SETLK, &lock) == 0) {
    fd_ = fd;
    return true;
  }
  const int error = errno;
  struct flock holder = whole_file(F_WRLCK);
  const bool other = (error == EACCES || error == EAGAIN) && ::fcntl(fd, F_GETLK, &holder) == 0 &&
                     holder.l_type != F_UNLCK;
  ::close(fd);
  if (other) busy(uri, holder.l_pid);
  return false;
}

bool ProcessLock::retake() {
  struct flock lock = whole_file(F_WRLCK);
  return fd_ >= 0 && ::fcntl(fd_, F_SETLK, &lock) == 0;
}

void ProcessLock::release() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace sds::backend::rocks
