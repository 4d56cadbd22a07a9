// Counts the fsync() and fdatasync() calls of the sds_bench process, for the
// syncs_per_1000 counter: the program's own definitions interpose on libc's
// for every shared library it loads (SQLite, LMDB, RocksDB, libsds), count,
// and call libc's.
#include <dlfcn.h>

#include <atomic>
#include <cerrno>
#include <cstdint>

#include "io_counters.hpp"

namespace {

std::atomic<std::uint64_t> syncs{0};

std::uint64_t sync_count() { return syncs.load(std::memory_order_relaxed); }

using SyncFn = int (*)(int);

int call_next(const char* name, int fd) {
  ++syncs;
  const auto next = reinterpret_cast<SyncFn>(dlsym(RTLD_NEXT, name));
  if (next == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  return next(fd);
}

const bool registered = [] {
  sds::workloads::set_sync_count_source(&sync_count);
  return true;
}();

}  // namespace

extern "C" int fsync(int fd) { return call_next("fsync", fd); }
extern "C" int fdatasync(int fd) { return call_next("fdatasync", fd); }
