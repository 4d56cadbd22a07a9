#include "tests/reliability/sqlite_vfs_shim.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <mutex>
#include <new>
#include <stdexcept>

#include "tests/reliability/simulated_disk.hpp"

namespace sds::test::reliability {
namespace {

sqlite3_vfs* real_vfs = nullptr;

// The shim's file: the default VFS's file follows it in the same allocation.
struct ShimFile {
  sqlite3_file base;
  std::string* path;  // null for SQLite's nameless temporary files
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

ShimFile* shim(sqlite3_file* file) { return reinterpret_cast<ShimFile*>(file); }
const sqlite3_io_methods& real_methods(sqlite3_file* file) { return *shim(file)->real()->pMethods; }

// The fault SimulatedDisk decides for a call on `file`, as an SQLite code.
int fault_code(sqlite3_file* file, IoCall call, int io_error_code) {
  const std::string* path = shim(file)->path;
  if (!path) return SQLITE_OK;
  switch (SimulatedDisk::instance().before(call, *path)) {
    case Fault::none:
      return SQLITE_OK;
    case Fault::no_space:
      return SQLITE_FULL;
    case Fault::io_error:
      break;
  }
  return io_error_code;
}

int shim_close(sqlite3_file* file) {
  const int rc = real_methods(file).xClose(shim(file)->real());
  delete shim(file)->path;
  return rc;
}

int shim_read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  if (const int rc = fault_code(file, IoCall::read, SQLITE_IOERR_READ)) return rc;
  return real_methods(file).xRead(shim(file)->real(), buffer, amount, offset);
}

int shim_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  if (const int rc = fault_code(file, IoCall::write, SQLITE_IOERR_WRITE)) return rc;
  const int rc = real_methods(file).xWrite(shim(file)->real(), data, amount, offset);
  if (rc == SQLITE_OK && shim(file)->path) {
    SimulatedDisk::instance().wrote(*shim(file)->path, static_cast<std::uint64_t>(offset), data,
                                    static_cast<std::size_t>(amount));
  }
  return rc;
}

int shim_truncate(sqlite3_file* file, sqlite3_int64 size) {
  if (const int rc = fault_code(file, IoCall::write, SQLITE_IOERR_TRUNCATE)) return rc;
  const int rc = real_methods(file).xTruncate(shim(file)->real(), size);
  if (rc == SQLITE_OK && shim(file)->path) {
    SimulatedDisk::instance().truncated(*shim(file)->path, static_cast<std::uint64_t>(size));
  }
  return rc;
}

int shim_sync(sqlite3_file* file, int flags) {
  if (const int rc = fault_code(file, IoCall::sync, SQLITE_IOERR_FSYNC)) return rc;
  // The model decides what survives, so a recorded file needs no real sync
  // (which would only make the suite slow).
  if (shim(file)->path && SimulatedDisk::instance().covers(*shim(file)->path)) {
    SimulatedDisk::instance().synced(*shim(file)->path);
    return SQLITE_OK;
  }
  return real_methods(file).xSync(shim(file)->real(), flags);
}

// The rest go straight to the default VFS's file.
int shim_file_size(sqlite3_file* file, sqlite3_int64* size) {
  return real_methods(file).xFileSize(shim(file)->real(), size);
}
int shim_lock(sqlite3_file* file, int level) {
  return real_methods(file).xLock(shim(file)->real(), level);
}
int shim_unlock(sqlite3_file* file, int level) {
  return real_methods(file).xUnlock(shim(file)->real(), level);
}
int shim_check_reserved_lock(sqlite3_file* file, int* reserved) {
  return real_methods(file).xCheckReservedLock(shim(file)->real(), reserved);
}
int shim_file_control(sqlite3_file* file, int op, void* arg) {
  return real_methods(file).xFileControl(shim(file)->real(), op, arg);
}
int shim_sector_size(sqlite3_file* file) {
  return real_methods(file).xSectorSize(shim(file)->real());
}
int shim_device_characteristics(sqlite3_file* file) {
  return real_methods(file).xDeviceCharacteristics(shim(file)->real());
}
int shim_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** memory) {
  return real_methods(file).xShmMap(shim(file)->real(), region, size, extend, memory);
}
int shim_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  return real_methods(file).xShmLock(shim(file)->real(), offset, n, flags);
}
void shim_shm_barrier(sqlite3_file* file) { real_methods(file).xShmBarrier(shim(file)->real()); }
int shim_shm_unmap(sqlite3_file* file, int remove) {
  return real_methods(file).xShmUnmap(shim(file)->real(), remove);
}
int shim_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** pages) {
  return real_methods(file).xFetch(shim(file)->real(), offset, amount, pages);
}
int shim_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  return real_methods(file).xUnfetch(shim(file)->real(), offset, page);
}

const sqlite3_io_methods kShimMethods = {
    3,
    shim_close,
    shim_read,
    shim_write,
    shim_truncate,
    shim_sync,
    shim_file_size,
    shim_lock,
    shim_unlock,
    shim_check_reserved_lock,
    shim_file_control,
    shim_sector_size,
    shim_device_characteristics,
    shim_shm_map,
    shim_shm_lock,
    shim_shm_barrier,
    shim_shm_unmap,
    shim_fetch,
    shim_unfetch,
};

int shim_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  ShimFile* opened = shim(file);
  opened->base.pMethods = nullptr;
  opened->path = nullptr;
  if (name) SimulatedDisk::instance().opening(name);
  const int rc = real_vfs->xOpen(real_vfs, name, opened->real(), flags, out_flags);
  if (rc != SQLITE_OK) {
    // A file the default VFS set up despite failing still needs its close.
    if (opened->real()->pMethods) opened->real()->pMethods->xClose(opened->real());
    return rc;
  }
  if (name) opened->path = new std::string(name);
  opened->base.pMethods = &kShimMethods;
  return SQLITE_OK;
}

int shim_delete(sqlite3_vfs*, const char* name, int sync_directory) {
  // "No space" is SQLITE_FULL here too, as for writes and truncations.
  switch (SimulatedDisk::instance().before(IoCall::write, name)) {
    case Fault::none:
      break;
    case Fault::no_space:
      return SQLITE_FULL;
    case Fault::io_error:
      return SQLITE_IOERR_DELETE;
  }
  const int rc = real_vfs->xDelete(real_vfs, name, sync_directory);
  if (rc == SQLITE_OK) SimulatedDisk::instance().removed(name);
  return rc;
}

// The default VFS's own functions expect their own sqlite3_vfs.
int shim_access(sqlite3_vfs*, const char* name, int flags, int* result) {
  return real_vfs->xAccess(real_vfs, name, flags, result);
}
int shim_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return real_vfs->xFullPathname(real_vfs, name, size, out);
}
void* shim_dl_open(sqlite3_vfs*, const char* name) { return real_vfs->xDlOpen(real_vfs, name); }
void shim_dl_error(sqlite3_vfs*, int size, char* out) { real_vfs->xDlError(real_vfs, size, out); }
void (*shim_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return real_vfs->xDlSym(real_vfs, handle, symbol);
}
void shim_dl_close(sqlite3_vfs*, void* handle) { real_vfs->xDlClose(real_vfs, handle); }
int shim_randomness(sqlite3_vfs*, int size, char* out) {
  return real_vfs->xRandomness(real_vfs, size, out);
}
int shim_sleep(sqlite3_vfs*, int microseconds) { return real_vfs->xSleep(real_vfs, microseconds); }
int shim_current_time(sqlite3_vfs*, double* now) { return real_vfs->xCurrentTime(real_vfs, now); }
int shim_get_last_error(sqlite3_vfs*, int size, char* out) {
  return real_vfs->xGetLastError(real_vfs, size, out);
}
int shim_current_time_int64(sqlite3_vfs*, sqlite3_int64* now) {
  return real_vfs->xCurrentTimeInt64(real_vfs, now);
}

}  // namespace

void install_sqlite_vfs_shim() {
  static std::once_flag once;
  std::call_once(once, [] {
    real_vfs = sqlite3_vfs_find(nullptr);
    if (!real_vfs || real_vfs->iVersion < 2) throw std::runtime_error("no default SQLite VFS");
    static sqlite3_vfs vfs = {
        2,
        static_cast<int>(sizeof(ShimFile)) + real_vfs->szOsFile,
        real_vfs->mxPathname,
        nullptr,
        "sds-simulated-disk",
        nullptr,
        shim_open,
        shim_delete,
        shim_access,
        shim_full_pathname,
        shim_dl_open,
        shim_dl_error,
        shim_dl_sym,
        shim_dl_close,
        shim_randomness,
        shim_sleep,
        shim_current_time,
        shim_get_last_error,
        shim_current_time_int64,
        nullptr,
        nullptr,
        nullptr,
    };
    if (sqlite3_vfs_register(&vfs, 1) != SQLITE_OK) {
      throw std::runtime_error("cannot register the SQLite VFS shim");
    }
  });
}

void remove_sqlite_shared_memory(const std::string& database_file) {
  std::error_code ignored;
  std::filesystem::remove(database_file + "-shm", ignored);
}

}  // namespace sds::test::reliability
