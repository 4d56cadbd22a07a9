// A value that does not fit in the memory left: a typed error, never
// std::bad_alloc escaping or a crash, and the store stays usable. The limit
// is an address-space limit (RLIMIT_AS) set in a forked child, where the
// sanitizers, which reserve terabytes of address space, cannot run; the
// sanitizer builds leave this file's test out. Under qemu-user (the ARM
// builds' tests), which ignores the limit, the test reports itself skipped.
#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <new>

#include "conformance.hpp"

namespace sds::test {
namespace {

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)

// The process's address space in use now, in bytes (/proc/self/statm).
std::size_t address_space_in_use() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0;
  statm >> pages;
  return pages * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

// Limits this process's address space to what it uses now plus `room`.
bool limit_address_space(std::size_t room) {
  struct rlimit limit {};
  getrlimit(RLIMIT_AS, &limit);
  limit.rlim_cur = address_space_in_use() + room;
  return setrlimit(RLIMIT_AS, &limit) == 0;
}

// Whether the kernel enforces RLIMIT_AS here: qemu-user, which runs the ARM
// builds' tests, accepts the limit and ignores it.
bool address_space_limits_hold() {
  return in_child([] {
    if (!limit_address_space(std::size_t{16} << 20)) return false;
    try {
      const Bytes too_large(std::size_t{64} << 20, 1);
      return too_large.empty();
    } catch (const std::bad_alloc&) {
      return true;
    }
  });
}

TEST_P(Conformance, AValueThatDoesNotFitInMemoryIsFullAndTheStoreStaysUsable) {
  if (!address_space_limits_hold()) {
    GTEST_SKIP() << "RLIMIT_AS is not enforced here (an emulator?): no way to run out of memory";
  }
  const std::string uri = uri_;
  EXPECT_TRUE(in_child([&] {
    auto store = sds::open(uri, "doc");
    store->append_patch(bytes("before"), 1);
    const Bytes value(std::size_t{96} << 20, 7);
    struct rlimit unlimited {};
    getrlimit(RLIMIT_AS, &unlimited);
    // Room for what the store needs besides, not for another copy of the value.
    if (!limit_address_space(std::size_t{48} << 20)) return false;
    bool full = false;
    try {
      store->save_value("big", value);
      std::fprintf(stderr, "child: the save did not fail\n");
    } catch (const Error& error) {
      full = error.code() == Errc::full;
      if (!full) std::fprintf(stderr, "child: %s\n", error.what());
    } catch (const std::bad_alloc&) {
      std::fprintf(stderr, "child: std::bad_alloc escaped\n");
    }
    setrlimit(RLIMIT_AS, &unlimited);
    store->append_patch(bytes("after"), 2);
    return full && store->load_patches_since(0).size() == 2 && !store->load_value("big");
  }));
}

#endif

}  // namespace
}  // namespace sds::test
