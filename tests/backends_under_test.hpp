// The schemes the conformance suite runs against: every one this build has.
#pragma once

#include <functional>
#include <sds/registry.hpp>
#include <string>
#include <vector>

namespace sds::test {

struct BackendUnderTest {
  std::string name;  // test-name-safe: letters and digits
  // What the backend declares in its BackendInfo: the suites of the promises
  // it does not make (durability across a crash, several processes) skip it.
  BackendCapabilities capabilities;
  // The URI of a fresh database inside `dir` (an empty directory per test).
  std::function<std::string(const std::string& dir)> make_uri;
};

std::vector<BackendUnderTest> backends_under_test();
std::vector<BackendUnderTest> persistent_backends_under_test();
std::vector<BackendUnderTest> multi_process_backends_under_test();

}  // namespace sds::test
