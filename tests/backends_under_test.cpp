#include "tests/backends_under_test.hpp"

#include <atomic>

namespace sds::test {

std::vector<BackendUnderTest> backends_under_test() {
  static std::atomic<int> memory_names{0};
  std::vector<BackendUnderTest> out;
  // memory:NAME so that a reopen in the same test sees the data; a fresh name
  // per test keeps tests apart.
  out.push_back({"memory", false, [](const std::string&) {
                   return "memory:conformance-" + std::to_string(memory_names++);
                 }});
#ifdef SDS_WITH_SQLITE
  out.push_back({"sqlite", true, [](const std::string& dir) { return "sqlite:" + dir + "/test.db"; }});
#endif
#ifdef SDS_WITH_LMDB
  out.push_back({"lmdb", true, [](const std::string& dir) { return "lmdb:" + dir + "/lmdb"; }});
#endif
#ifdef SDS_WITH_ROCKSDB
  out.push_back({"rocksdb", true, [](const std::string& dir) { return "rocksdb:" + dir + "/rocksdb"; }});
#endif
  return out;
}

std::vector<BackendUnderTest> persistent_backends_under_test() {
  std::vector<BackendUnderTest> out;
  for (auto& backend : backends_under_test()) {
    if (backend.persistent) out.push_back(std::move(backend));
  }
  return out;
}

}  // namespace sds::test
