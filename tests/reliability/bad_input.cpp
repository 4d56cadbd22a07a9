// The bad-input suite's binary: its schemes, and its line of figures.
#include "tests/reliability/bad_input.hpp"

namespace sds::test {

// Every scheme this build has.
std::vector<std::string> conformance_schemes() { return {}; }

std::vector<BackendInfo> path_schemes() {
  std::vector<BackendInfo> out;
  for (const BackendInfo& info : backend_infos()) {
    if (info.path_kind == PathKind::file || info.path_kind == PathKind::directory) {
      out.push_back(info);
    }
  }
  return out;
}

namespace {

const bool reported = report_reliability("bad_input");

INSTANTIATE_TEST_SUITE_P(Backends, BadInput, ::testing::ValuesIn(backends_under_test()),
                         backend_name);

}  // namespace
}  // namespace sds::test
