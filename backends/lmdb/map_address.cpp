#include "backends/lmdb/map_address.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cinttypes>
#include <cstdio>
#include <memory>

namespace sds::backend::lmdb {

std::optional<std::uintptr_t> mapping_of(const std::string& file, std::uint64_t size) {
  struct stat status {};
  if (stat(file.c_str(), &status) != 0) return std::nullopt;
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> maps(std::fopen("/proc/self/maps", "r"),
                                                             std::fclose);
  if (!maps) return std::nullopt;
  // start-end perms offset major:minor inode [path], numbers in hex but the inode.
  char line[4096];
  while (std::fgets(line, sizeof line, maps.get())) {
    std::uintmax_t start = 0, end = 0, offset = 0, inode = 0;
    unsigned major_number = 0, minor_number = 0;
    if (std::sscanf(line, "%jx-%jx %*s %jx %x:%x %ju", &start, &end, &offset, &major_number,
                    &minor_number, &inode) != 6) {
      continue;
    }
    if (inode == status.st_ino && major_number == major(status.st_dev) &&
        minor_number == minor(status.st_dev) && offset == 0 && end - start == size) {
      return static_cast<std::uintptr_t>(start);
    }
  }
  return std::nullopt;
}

}  // namespace sds::backend::lmdb
