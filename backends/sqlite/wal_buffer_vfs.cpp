#include "backends/sqlite/wal_buffer_vfs.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>

#include "backends/sqlite/wal_map.hpp"

namespace sds::backend::sqlite {
namespace {

// SQLite writes a WAL as a 32-byte header at offset 0, then frames: each a
// 24-byte frame header written alone, then the page written alone right after
// it. Bytes 4 to 7 of a frame header (big-endian) are the database size in
// pages after a commit, and 0 in every frame but a transaction's last.
constexpr int kWalHeaderBytes = 32;
constexpr int kFrameHeaderBytes = 24;
// The offset and size of the shared-memory lock of the one writer
// (WAL_WRITE_LOCK in SQLite's wal.c).
constexpr int kWriteLock = 0;
// Writes gathered before they are handed over regardless. SQLite's unix VFS
// writes at most 128 KiB - 1 bytes per call (unixWrite masks the size with
// 0x1ffff), and 16 pages of 4 KiB per write already make the calls cheap
// beside the copying.
constexpr std::size_t kBufferBytes = std::size_t{64} << 10;

// The writes to one WAL that the operating system has not seen yet: one
// contiguous range from `start`.
struct WalBuffer {
  std::unique_ptr<std::uint8_t[]> bytes;  // kBufferBytes, from the first write
  std::size_t size = 0;
  sqlite3_int64 start = 0;
  // After a frame header: where its page goes, and whether the frame commits.
  sqlite3_int64 page_at = -1;
  bool commits = false;
  // Set by a write outside the pattern above (SQLite rewriting a frame of the
  // transaction in place, then its checksums): the rest of the transaction is
  // written as it comes.
  bool through = false;
};

// Our file: the default VFS's file in an allocation of its own, so that the
// VFS underneath may be another than the one there at registration.
struct File {
  sqlite3_file base;
  sqlite3_file* real;
  const void* name = nullptr;         // a main database: the name SQLite opened it with
  File* wal = nullptr;                // a main database: the WAL of the same connection
  sqlite3_int64 mmap_limit = 0;       // a main database: the connection's mmap_size
  File* database = nullptr;           // a WAL: the main database of its connection
  std::unique_ptr<WalBuffer> buffer;  // a WAL with its database: gathered writes
  std::unique_ptr<WalMap> map;        // a WAL over the unix VFS: reads (section 16.5)
};

File* ours(sqlite3_file* file) { return reinterpret_cast<File*>(file); }
const sqlite3_io_methods& real_methods(File* file) { return *file->real->pMethods; }

sqlite3_vfs* registered_base = nullptr;  // the default VFS when ours was registered

sqlite3_vfs* base_vfs(sqlite3_vfs* self) {
  sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
  return base == nullptr || base == self ? registered_base : base;
}

// Main database files open through this VFS, by the name SQLite opened them
// with: SQLite opens a WAL under a name from which sqlite3_filename_database()
// gives that same pointer back, which pairs the two files of one connection.
std::mutex databases_mutex;
std::map<const void*, File*>& open_databases() {
  static std::map<const void*, File*> databases;
  return databases;
}

// Hands the gathered writes to the operating system. On failure they stay
// gathered, so that a later flush tries again: SQLite ignores the errors of
// some calls (file-control hints), and frames it believes written must never
// go missing.
int flush(File* wal) {
  WalBuffer* buffer = wal->buffer.get();
  if (buffer == nullptr || buffer->size == 0) return SQLITE_OK;
  const int rc = real_methods(wal).xWrite(wal->real, buffer->bytes.get(),
                                          static_cast<int>(buffer->size), buffer->start);
  if (rc == SQLITE_OK) buffer->size = 0;
  return rc;
}

// Forgets gathered writes: those of a transaction that ended without
// committing them (a commit hands its frames over before it returns). Written
// later they could land on frames that another connection wrote meanwhile.
void discard(File* wal) {
  if (wal->buffer) *wal->buffer = WalBuffer{std::move(wal->buffer->bytes)};
}

// Adds a write to the gathered ones, flushing those first when it would not
// follow them or not fit.
int gather(File* wal, const void* data, int amount, sqlite3_int64 offset) {
  WalBuffer& buffer = *wal->buffer;
  const auto bytes = static_cast<std::size_t>(amount);
  if (buffer.size > 0 && (offset != buffer.start + static_cast<sqlite3_int64>(buffer.size) ||
                          buffer.size + bytes > kBufferBytes)) {
    if (const int rc = flush(wal)) return rc;
  }
  if (bytes > kBufferBytes) return real_methods(wal).xWrite(wal->real, data, amount, offset);
  if (!buffer.bytes) buffer.bytes = std::make_unique_for_overwrite<std::uint8_t[]>(kBufferBytes);
  if (buffer.size == 0) buffer.start = offset;
  std::memcpy(buffer.bytes.get() + buffer.size, data, bytes);
  buffer.size += bytes;
  return SQLITE_OK;
}

int wal_write(File* wal, const void* data, int amount, sqlite3_int64 offset) {
  WalBuffer& buffer = *wal->buffer;
  if (!buffer.through) {
    if (buffer.page_at >= 0 && offset == buffer.page_at) {
      buffer.page_at = -1;
      if (const int rc = gather(wal, data, amount, offset)) return rc;
      // A commit frame: SQLite publishes the transaction to other
      // connections as soon as this call returns, and a process that dies
      // after the commit returned must not take it along.
      return buffer.commits ? flush(wal) : SQLITE_OK;
    }
    if (buffer.page_at < 0 && amount == kFrameHeaderBytes) {
      const auto* header = static_cast<const std::uint8_t*>(data);
      buffer.commits = (header[4] | header[5] | header[6] | header[7]) != 0;
      buffer.page_at = offset + kFrameHeaderBytes;
      return gather(wal, data, amount, offset);
    }
    if (buffer.page_at < 0 && amount == kWalHeaderBytes && offset == 0) {
      return gather(wal, data, amount, offset);
    }
    buffer.through = true;
    buffer.page_at = -1;
  }
  if (const int rc = flush(wal)) return rc;
  return real_methods(wal).xWrite(wal->real, data, amount, offset);
}

// Every call but a write sees the file as SQLite wrote it.
int flushed(File* file) { return file->buffer ? flush(file) : SQLITE_OK; }

int file_close(sqlite3_file* handle) {
  File* file = ours(handle);
  int rc = flushed(file);
  {
    std::lock_guard lock(databases_mutex);
    if (file->database != nullptr) file->database->wal = nullptr;
    if (file->wal != nullptr) {
      // Not SQLite's order (the WAL closes first): the WAL goes on alone.
      flush(file->wal);
      file->wal->database = nullptr;
      file->wal->buffer.reset();
    }
    if (file->name != nullptr) open_databases().erase(file->name);
  }
  const int closed = real_methods(file).xClose(file->real);
  sqlite3_free(file->real);
  file->~File();
  return rc != SQLITE_OK ? rc : closed;
}

int file_read(sqlite3_file* handle, void* out, int amount, sqlite3_int64 offset) {
  File* file = ours(handle);
  if (const int rc = flushed(file)) return rc;
  // A connection with mmap_size=0 maps nothing, its WAL included.
  if (file->map && file->database != nullptr && file->database->mmap_limit > 0 &&
      file->map->read(out, amount, offset)) {
    return SQLITE_OK;
  }
  return real_methods(file).xRead(file->real, out, amount, offset);
}

int file_write(sqlite3_file* handle, const void* data, int amount, sqlite3_int64 offset) {
  File* file = ours(handle);
  if (file->buffer) return wal_write(file, data, amount, offset);
  return real_methods(file).xWrite(file->real, data, amount, offset);
}

int file_truncate(sqlite3_file* handle, sqlite3_int64 size) {
  File* file = ours(handle);
  if (const int rc = flushed(file)) return rc;
  return real_methods(file).xTruncate(file->real, size);
}

int file_sync(sqlite3_file* handle, int flags) {
  File* file = ours(handle);
  if (const int rc = flushed(file)) return rc;
  return real_methods(file).xSync(file->real, flags);
}

int file_size(sqlite3_file* handle, sqlite3_int64* size) {
  File* file = ours(handle);
  if (const int rc = flushed(file)) return rc;
  return real_methods(file).xFileSize(file->real, size);
}

int file_lock(sqlite3_file* handle, int level) {
  File* file = ours(handle);
  return real_methods(file).xLock(file->real, level);
}

int file_unlock(sqlite3_file* handle, int level) {
  File* file = ours(handle);
  return real_methods(file).xUnlock(file->real, level);
}

int file_check_reserved_lock(sqlite3_file* handle, int* reserved) {
  File* file = ours(handle);
  return real_methods(file).xCheckReservedLock(file->real, reserved);
}

int file_control(sqlite3_file* handle, int op, void* arg) {
  File* file = ours(handle);
  // The new limit; the VFS answers with the old one.
  if (op == SQLITE_FCNTL_MMAP_SIZE && arg != nullptr && *static_cast<sqlite3_int64*>(arg) >= 0) {
    file->mmap_limit = *static_cast<sqlite3_int64*>(arg);
  }
  // Some are hints whose error SQLite ignores: a failed flush stays gathered.
  flushed(file);
  return real_methods(file).xFileControl(file->real, op, arg);
}

int file_sector_size(sqlite3_file* handle) {
  File* file = ours(handle);
  return real_methods(file).xSectorSize(file->real);
}

int file_device_characteristics(sqlite3_file* handle) {
  File* file = ours(handle);
  return real_methods(file).xDeviceCharacteristics(file->real);
}

int file_shm_map(sqlite3_file* handle, int region, int size, int extend, void volatile** memory) {
  File* file = ours(handle);
  if (real_methods(file).iVersion < 2) return SQLITE_IOERR_SHMMAP;
  return real_methods(file).xShmMap(file->real, region, size, extend, memory);
}

int file_shm_lock(sqlite3_file* handle, int offset, int n, int flags) {
  File* file = ours(handle);
  if (real_methods(file).iVersion < 2) return SQLITE_IOERR_SHMLOCK;
  // The writer lock is released at the end of every write transaction: what
  // is still gathered then was never committed.
  if (file->wal != nullptr && (flags & SQLITE_SHM_UNLOCK) != 0 && offset <= kWriteLock &&
      kWriteLock < offset + n) {
    discard(file->wal);
  }
  return real_methods(file).xShmLock(file->real, offset, n, flags);
}

void file_shm_barrier(sqlite3_file* handle) {
  File* file = ours(handle);
  if (real_methods(file).iVersion >= 2) real_methods(file).xShmBarrier(file->real);
}

int file_shm_unmap(sqlite3_file* handle, int remove) {
  File* file = ours(handle);
  if (real_methods(file).iVersion < 2) return SQLITE_OK;
  return real_methods(file).xShmUnmap(file->real, remove);
}

int file_fetch(sqlite3_file* handle, sqlite3_int64 offset, int amount, void** pages) {
  File* file = ours(handle);
  if (real_methods(file).iVersion < 3) {
    *pages = nullptr;  // no memory map: SQLite reads
    return SQLITE_OK;
  }
  return real_methods(file).xFetch(file->real, offset, amount, pages);
}

int file_unfetch(sqlite3_file* handle, sqlite3_int64 offset, void* page) {
  File* file = ours(handle);
  if (real_methods(file).iVersion < 3) return SQLITE_OK;
  return real_methods(file).xUnfetch(file->real, offset, page);
}

const sqlite3_io_methods kMethods = {
    3,
    file_close,
    file_read,
    file_write,
    file_truncate,
    file_sync,
    file_size,
    file_lock,
    file_unlock,
    file_check_reserved_lock,
    file_control,
    file_sector_size,
    file_device_characteristics,
    file_shm_map,
    file_shm_lock,
    file_shm_barrier,
    file_shm_unmap,
    file_fetch,
    file_unfetch,
};

int vfs_open(sqlite3_vfs* self, sqlite3_filename name, sqlite3_file* handle, int flags,
             int* out_flags) {
  sqlite3_vfs* base = base_vfs(self);
  File* file = ours(handle);
  file->base.pMethods = nullptr;
  auto* real = static_cast<sqlite3_file*>(sqlite3_malloc(base->szOsFile));
  if (real == nullptr) return SQLITE_NOMEM;
  std::memset(real, 0, static_cast<std::size_t>(base->szOsFile));
  const int rc = base->xOpen(base, name, real, flags, out_flags);
  if (rc != SQLITE_OK) {
    // A file the VFS set up despite failing still needs its close.
    if (real->pMethods) real->pMethods->xClose(real);
    sqlite3_free(real);
    return rc;
  }
  new (file) File{.base = {&kMethods}, .real = real, .buffer = nullptr, .map = nullptr};
  std::lock_guard lock(databases_mutex);
  if ((flags & SQLITE_OPEN_MAIN_DB) != 0 && name != nullptr) {
    file->name = name;
    open_databases()[name] = file;
  } else if ((flags & SQLITE_OPEN_WAL) != 0 && name != nullptr) {
    // Only over SQLite's own unix VFS: one in between (a test's, or one that
    // encrypts) must see every read. On 64-bit systems, as mmap_size.
    if (sizeof(void*) >= 8 && std::strcmp(base->zName, "unix") == 0) {
      file->map = std::make_unique<WalMap>(name);
    }
    const auto found = open_databases().find(sqlite3_filename_database(name));
    // Without its database, nothing would tell the end of a transaction:
    // such a WAL is written through.
    if (found != open_databases().end() && found->second->wal == nullptr) {
      file->database = found->second;
      found->second->wal = file;
      file->buffer = std::make_unique<WalBuffer>();
    }
  }
  return SQLITE_OK;
}

int vfs_delete(sqlite3_vfs* self, const char* name, int sync_directory) {
  sqlite3_vfs* base = base_vfs(self);
  return base->xDelete(base, name, sync_directory);
}
int vfs_access(sqlite3_vfs* self, const char* name, int flags, int* result) {
  sqlite3_vfs* base = base_vfs(self);
  return base->xAccess(base, name, flags, result);
}
int vfs_full_pathname(sqlite3_vfs* self, const char* name, int size, char* out) {
  sqlite3_vfs* base = base_vfs(self);
  return base->xFullPathname(base, name, size, out);
}
void* vfs_dl_open(sqlite3_vfs* self, const char* name) {
  sqlite3_vfs* base = base_vfs(self);
  return base->xDlOpen(base, name);
}
void vfs_dl_error(sqlite3_vfs* self, int size, char* out) {
  sqlite3_vfs* base = base_vfs(self);
  base->xDlError(base, size, out);
}
void (*vfs_dl_sym(sqlite3_vfs* self, void* library, const char* symbol))(void) {
  sqlite3_vfs* base = base_vfs(self);
  return base->xDlSym(base, library, symbol);
}
void vfs_dl_close(sqlite3_vfs* self, void* library) {
  sqlite3_vfs* base = base_vfs(self);
  base->xDlClose(base, library);
}
int vfs_randomness(sqlite3_vfs* self, int size, char* out) {
  sqlite3_vfs* base = base_vfs(self);
  return base->xRandomness(base, size, out);
}
int vfs_sleep(sqlite3_vfs* self, int microseconds) {
  sqlite3_vfs* base = base_vfs(self);
  return base->xSleep(base, microseconds);
}
int vfs_current_time(sqlite3_vfs* self, double* now) {
  sqlite3_vfs* base = base_vfs(self);
  return base->xCurrentTime(base, now);
}
int vfs_get_last_error(sqlite3_vfs* self, int size, char* out) {
  sqlite3_vfs* base = base_vfs(self);
  return base->xGetLastError(base, size, out);
}
int vfs_current_time_int64(sqlite3_vfs* self, sqlite3_int64* now) {
  sqlite3_vfs* base = base_vfs(self);
  return base->xCurrentTimeInt64(base, now);
}

}  // namespace

const char* wal_buffer_vfs() {
  static const char* const name = [] {
    static sqlite3_vfs vfs = {};
    registered_base = sqlite3_vfs_find(nullptr);
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(sizeof(File));
    vfs.mxPathname = registered_base->mxPathname;
    vfs.zName = "sds-wal-buffer";
    vfs.xOpen = vfs_open;
    vfs.xDelete = vfs_delete;
    vfs.xAccess = vfs_access;
    vfs.xFullPathname = vfs_full_pathname;
    vfs.xDlOpen = vfs_dl_open;
    vfs.xDlError = vfs_dl_error;
    vfs.xDlSym = vfs_dl_sym;
    vfs.xDlClose = vfs_dl_close;
    vfs.xRandomness = vfs_randomness;
    vfs.xSleep = vfs_sleep;
    vfs.xCurrentTime = vfs_current_time;
    vfs.xGetLastError = vfs_get_last_error;
    vfs.xCurrentTimeInt64 = vfs_current_time_int64;
    sqlite3_vfs_register(&vfs, 0);
    return vfs.zName;
  }();
  return name;
}

}  // namespace sds::backend::sqlite
