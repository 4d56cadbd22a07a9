#include "backends/sqlite/wal_map.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace sds::backend::sqlite {
namespace {

// The window mapped: address space only, most of it beyond the file's end.
// The WAL stays under 17 MB (section 16.4) unless one transaction is larger;
// what lies past the window is read as usual.
constexpr sqlite3_int64 kWindowBytes = sqlite3_int64{64} << 20;

}  // namespace

WalMap::~WalMap() {
  if (bytes_ != nullptr) munmap(const_cast<std::uint8_t*>(bytes_), kWindowBytes);
  if (fd_ >= 0) close(fd_);
}

bool WalMap::read(void* out, int amount, sqlite3_int64 offset) {
  if (failed_ || offset < 0 || offset + amount > kWindowBytes) return false;
  if (offset + amount > known_size_) {
    // Frames appended since: SQLite reads only frames of committed
    // transactions, which the file holds, and never past its end; a page of
    // the map past the end would be SIGBUS, so the size is asked first.
    if (fd_ < 0) fd_ = open(path_, O_RDONLY | O_CLOEXEC);
    struct stat status {};
    if (fd_ < 0 || fstat(fd_, &status) != 0) {
      failed_ = true;
      return false;
    }
    known_size_ = status.st_size;
    if (offset + amount > known_size_) return false;
  }
  if (bytes_ == nullptr) {
    void* mapped = mmap(nullptr, kWindowBytes, PROT_READ, MAP_SHARED, fd_, 0);
    if (mapped == MAP_FAILED) {
      failed_ = true;
      return false;
    }
    bytes_ = static_cast<const std::uint8_t*>(mapped);
  }
  std::memcpy(out, bytes_ + offset, static_cast<std::size_t>(amount));
  return true;
}

}  // namespace sds::backend::sqlite
