// The schemes the conformance suite runs against: every one this build has.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace sds::test {

struct BackendUnderTest {
  std::string name;  // test-name-safe: letters and digits
  // False for memory:, whose data ends with the process (no reopen-after-crash).
  bool persistent = true;
  // True where several processes may open one database at once.
  bool multi_process = true;
  // The URI of a fresh database inside `dir` (an empty directory per test).
  std::function<std::string(const std::string& dir)> make_uri;
};

std::vector<BackendUnderTest> backends_under_test();
std::vector<BackendUnderTest> persistent_backends_under_test();
std::vector<BackendUnderTest> multi_process_backends_under_test();

}  // namespace sds::test
