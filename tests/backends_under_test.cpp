#include "tests/backends_under_test.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "tests/conformance.hpp"

namespace sds::test {

namespace {
// What the scheme's backend declares (docs/DESIGN.md section 3.5).
BackendCapabilities capabilities_of(const std::string& scheme) {
  for (const BackendInfo& info : backend_infos()) {
    if (info.scheme == scheme) return info.capabilities;
  }
  throw std::runtime_error("scheme '" + scheme + "' is not registered");
}
}  // namespace

std::vector<BackendUnderTest> backends_under_test() {
  static std::atomic<int> memory_names{0};
  std::vector<BackendUnderTest> out;
  // memory:NAME so that a reopen in the same test sees the data; a fresh name
  // per test keeps tests apart.
  out.push_back({"memory", capabilities_of("memory"), [](const std::string&) {
                   return "memory:conformance-" + std::to_string(memory_names++);
                 }});
#ifdef SDS_WITH_SQLITE
  out.push_back({"sqlite", capabilities_of("sqlite"),
                 [](const std::string& dir) { return "sqlite:" + dir + "/test.db"; }});
#endif
#ifdef SDS_WITH_LMDB
  out.push_back({"lmdb", capabilities_of("lmdb"),
                 [](const std::string& dir) { return "lmdb:" + dir + "/lmdb"; }});
#endif
#ifdef SDS_WITH_ROCKSDB
  out.push_back({"rocksdb", capabilities_of("rocksdb"),
                 [](const std::string& dir) { return "rocksdb:" + dir + "/rocksdb"; }});
#endif
  return out;
}

std::vector<BackendUnderTest> persistent_backends_under_test() {
  std::vector<BackendUnderTest> out;
  for (auto& backend : backends_under_test()) {
    if (backend.capabilities.persistent) out.push_back(std::move(backend));
  }
  return out;
}

std::vector<BackendUnderTest> multi_process_backends_under_test() {
  std::vector<BackendUnderTest> out;
  for (auto& backend : persistent_backends_under_test()) {
    if (backend.capabilities.multi_process) out.push_back(std::move(backend));
  }
  return out;
}

namespace {
std::string name_of(const ::testing::TestParamInfo<BackendUnderTest>& info) {
  return info.param.name;
}
}  // namespace

INSTANTIATE_TEST_SUITE_P(Backends, Conformance, ::testing::ValuesIn(backends_under_test()),
                         name_of);
// An embedded build may have no persistent scheme at all.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DurableConformance);
INSTANTIATE_TEST_SUITE_P(Backends, DurableConformance,
                         ::testing::ValuesIn(persistent_backends_under_test()), name_of);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(MultiProcessConformance);
INSTANTIATE_TEST_SUITE_P(Backends, MultiProcessConformance,
                         ::testing::ValuesIn(multi_process_backends_under_test()), name_of);

}  // namespace sds::test
