#include "core/small_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace sds::core {

std::optional<std::string> read_small_file(const std::string& path, std::size_t limit) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out(limit, '\0');
  std::size_t filled = 0;
  while (filled < limit) {
    const ssize_t got = ::read(fd, out.data() + filled, limit - filled);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return std::nullopt;
    }
    filled += static_cast<std::size_t>(got);
  }
  ::close(fd);
  out.resize(filled);
  return out;
}

}  // namespace sds::core
