#include "backends/lmdb/map_address.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string_view>

namespace sds::backend::lmdb {
namespace {

// Reads the number at the start of `text` in `base`, then expects `end` after
// it (or the end of the text when `end` is 0); false when it is not there.
template <class Number>
bool take(std::string_view& text, int base, char end, Number& number) {
  const auto [past, error] = std::from_chars(text.data(), text.data() + text.size(), number, base);
  if (error != std::errc() || past == text.data()) return false;
  text.remove_prefix(static_cast<std::size_t>(past - text.data()));
  if (end == 0) return true;
  if (text.empty() || text.front() != end) return false;
  text.remove_prefix(1);
  return true;
}

}  // namespace

std::optional<MapsLine> parse_maps_line(std::string_view line) {
  MapsLine out;
  if (!take(line, 16, '-', out.start) || !take(line, 16, ' ', out.end)) return std::nullopt;
  const std::size_t perms_end = line.find(' ');
  if (perms_end == std::string_view::npos) return std::nullopt;
  line.remove_prefix(perms_end + 1);
  if (!take(line, 16, ' ', out.offset) || !take(line, 16, ':', out.major) ||
      !take(line, 16, ' ', out.minor) || !take(line, 10, 0, out.inode)) {
    return std::nullopt;
  }
  return out;
}

std::optional<std::uintptr_t> mapping_of(const std::string& file, std::uint64_t size) {
  struct stat status {};
  if (stat(file.c_str(), &status) != 0) return std::nullopt;
  const int fd = ::open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  // Reads a kilobyte at a time (the kernel writes no more lines than asked
  // for, and the map is often among the first) and parses in place, without
  // stdio and sscanf (docs/DESIGN.md section 11.9). A line is at most a path
  // (4 KiB) and its numbers.
  constexpr std::size_t kPiece = 1024;
  char buffer[8192];
  std::size_t held = 0;
  std::optional<std::uintptr_t> found;
  while (!found) {
    const ssize_t got = ::read(fd, buffer + held, std::min(kPiece, sizeof buffer - held));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    held += static_cast<std::size_t>(got);
    std::size_t start = 0;
    while (!found) {
      const auto* newline =
          static_cast<const char*>(std::memchr(buffer + start, '\n', held - start));
      if (newline == nullptr) break;
      const std::size_t length = static_cast<std::size_t>(newline - (buffer + start));
      const std::optional<MapsLine> line = parse_maps_line({buffer + start, length});
      start += length + 1;
      if (line && line->inode == status.st_ino && line->major == major(status.st_dev) &&
          line->minor == minor(status.st_dev) && line->offset == 0 &&
          line->end - line->start == size) {
        found = static_cast<std::uintptr_t>(line->start);
      }
    }
    // The unfinished line moves to the front; one that fills the buffer
    // cannot be a mapping's line, and is dropped.
    held = start == 0 && held == sizeof buffer ? 0 : held - start;
    std::memmove(buffer, buffer + start, held);
  }
  ::close(fd);
  return found;
}

}  // namespace sds::backend::lmdb
