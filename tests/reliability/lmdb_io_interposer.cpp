#include "tests/reliability/lmdb_io_interposer.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tests/reliability/simulated_disk.hpp"

namespace sds::test::reliability {
namespace {

std::atomic<bool> installed{false};

// The C library's definition of `name` (the next one after this program's).
template <class Function>
Function next(const char* name) {
  return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

struct Descriptor {
  std::string path;
  bool durable_writes = false;  // opened with O_DSYNC or O_SYNC
};

std::mutex descriptors_mutex;
std::unordered_map<int, Descriptor>& descriptors() {
  static std::unordered_map<int, Descriptor> map;
  return map;
}

std::optional<Descriptor> tracked(int fd) {
  if (!installed) return std::nullopt;
  std::lock_guard lock(descriptors_mutex);
  const auto it = descriptors().find(fd);
  if (it == descriptors().end()) return std::nullopt;
  return it->second;
}

bool is_lmdb_data(std::string_view path) {
  return path.ends_with("/data.mdb") && SimulatedDisk::instance().covers(path);
}

// The fault the model decides, as errno and -1; 0 to go on.
int refused(IoCall call, const Descriptor& descriptor) {
  switch (SimulatedDisk::instance().before(call, descriptor.path)) {
    case Fault::none:
      return 0;
    case Fault::no_space:
      errno = ENOSPC;
      return -1;
    case Fault::io_error:
      break;
  }
  errno = EIO;
  return -1;
}

}  // namespace

void install_lmdb_io_interposer() { installed = true; }

}  // namespace sds::test::reliability

using sds::test::reliability::Descriptor;
using sds::test::reliability::IoCall;
using sds::test::reliability::SimulatedDisk;
using sds::test::reliability::tracked;

extern "C" {

int open(const char* path, int flags, ...) {
  mode_t mode = 0;
  if ((flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE) {
    va_list args;
    va_start(args, flags);
    mode = static_cast<mode_t>(va_arg(args, int));
    va_end(args);
  }
  static const auto real = sds::test::reliability::next<int (*)(const char*, int, ...)>("open");
  const bool recorded =
      sds::test::reliability::installed && sds::test::reliability::is_lmdb_data(path);
  if (recorded && (flags & O_ACCMODE) != O_RDONLY) SimulatedDisk::instance().opening(path);
  const int fd = real(path, flags, mode);
  if (recorded && fd >= 0) {
    std::lock_guard lock(sds::test::reliability::descriptors_mutex);
    sds::test::reliability::descriptors()[fd] = Descriptor{path, (flags & (O_DSYNC | O_SYNC)) != 0};
  }
  return fd;
}

int close(int fd) {
  static const auto real = sds::test::reliability::next<int (*)(int)>("close");
  if (sds::test::reliability::installed) {
    std::lock_guard lock(sds::test::reliability::descriptors_mutex);
    sds::test::reliability::descriptors().erase(fd);
  }
  return real(fd);
}

ssize_t pread(int fd, void* buffer, size_t size, off_t offset) {
  static const auto real =
      sds::test::reliability::next<ssize_t (*)(int, void*, size_t, off_t)>("pread");
  if (const auto descriptor = tracked(fd)) {
    if (sds::test::reliability::refused(IoCall::read, *descriptor)) return -1;
  }
  return real(fd, buffer, size, offset);
}

ssize_t pwrite(int fd, const void* data, size_t size, off_t offset) {
  static const auto real =
      sds::test::reliability::next<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
  const auto descriptor = tracked(fd);
  if (descriptor && sds::test::reliability::refused(IoCall::write, *descriptor)) return -1;
  const ssize_t written = real(fd, data, size, offset);
  if (descriptor && written > 0) {
    SimulatedDisk::instance().wrote(descriptor->path, static_cast<std::uint64_t>(offset), data,
                                    static_cast<std::size_t>(written), descriptor->durable_writes);
  }
  return written;
}

ssize_t writev(int fd, const struct iovec* parts, int count) {
  static const auto real =
      sds::test::reliability::next<ssize_t (*)(int, const struct iovec*, int)>("writev");
  const auto descriptor = tracked(fd);
  if (!descriptor) return real(fd, parts, count);
  if (sds::test::reliability::refused(IoCall::write, *descriptor)) return -1;
  // LMDB seeks before each writev: the file offset says where it lands.
  const off_t offset = lseek(fd, 0, SEEK_CUR);
  const ssize_t written = real(fd, parts, count);
  if (written <= 0) return written;
  std::uint64_t at = static_cast<std::uint64_t>(offset);
  std::size_t left = static_cast<std::size_t>(written);
  for (int i = 0; i < count && left > 0; ++i) {
    const std::size_t part = std::min(left, parts[i].iov_len);
    SimulatedDisk::instance().wrote(descriptor->path, at, parts[i].iov_base, part,
                                    descriptor->durable_writes);
    at += part;
    left -= part;
  }
  return written;
}

int ftruncate(int fd, off_t size) {
  static const auto real = sds::test::reliability::next<int (*)(int, off_t)>("ftruncate");
  const auto descriptor = tracked(fd);
  if (descriptor && sds::test::reliability::refused(IoCall::write, *descriptor)) return -1;
  const int rc = real(fd, size);
  if (descriptor && rc == 0) {
    SimulatedDisk::instance().truncated(descriptor->path, static_cast<std::uint64_t>(size));
  }
  return rc;
}

// The model decides what survives: a recorded file needs no real sync.
int fdatasync(int fd) {
  static const auto real = sds::test::reliability::next<int (*)(int)>("fdatasync");
  const auto descriptor = tracked(fd);
  if (!descriptor) return real(fd);
  if (sds::test::reliability::refused(IoCall::sync, *descriptor)) return -1;
  SimulatedDisk::instance().synced(descriptor->path);
  return 0;
}

int fsync(int fd) {
  static const auto real = sds::test::reliability::next<int (*)(int)>("fsync");
  const auto descriptor = tracked(fd);
  if (!descriptor) return real(fd);
  if (sds::test::reliability::refused(IoCall::sync, *descriptor)) return -1;
  SimulatedDisk::instance().synced(descriptor->path);
  return 0;
}

}  // extern "C"
