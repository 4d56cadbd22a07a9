// A really full disk: a tmpfs of a few MiB mounted on a fresh directory (root
// only, as in CI), unmounted with the object. Where the machine refuses the
// mount, mounted() is false and refusal() says why.
#pragma once

#include <cstddef>
#include <string>

#include "tests/conformance/test_support.hpp"

namespace sds::test::reliability {

class SmallTmpfs {
 public:
  explicit SmallTmpfs(std::size_t mebibytes);
  ~SmallTmpfs();
  SmallTmpfs(const SmallTmpfs&) = delete;
  SmallTmpfs& operator=(const SmallTmpfs&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& refusal() const { return refusal_; }
  const std::string& path() const { return dir_.path(); }
  // Gives the file system `mebibytes` in all (a remount): room again.
  void grow(std::size_t mebibytes);

 private:
  TempDir dir_;
  bool mounted_ = false;
  std::string refusal_;
};

}  // namespace sds::test::reliability
