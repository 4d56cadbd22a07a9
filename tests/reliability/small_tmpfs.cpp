#include "tests/reliability/small_tmpfs.hpp"

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sds::test::reliability {
namespace {

std::string size_option(std::size_t mebibytes) {
  return "size=" + std::to_string(mebibytes) + "m,mode=0700";
}

}  // namespace

SmallTmpfs::SmallTmpfs(std::size_t mebibytes) {
  if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, size_option(mebibytes).c_str()) == 0) {
    mounted_ = true;
  } else {
    refusal_ = std::string("mount -t tmpfs: ") + std::strerror(errno);
  }
}

SmallTmpfs::~SmallTmpfs() {
  // Lazily: a file the test left open must not keep the mount alive.
  if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
}

void SmallTmpfs::grow(std::size_t mebibytes) {
  if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", MS_REMOUNT, size_option(mebibytes).c_str()) !=
      0) {
    throw std::runtime_error(std::string("remounting the tmpfs failed: ") + std::strerror(errno));
  }
}

}  // namespace sds::test::reliability
