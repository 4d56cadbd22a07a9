#include "backends_under_test.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace sds::test {

BackendUnderTest backend_under_test(const std::string& scheme) {
  for (const BackendInfo& info : backend_infos()) {
    if (info.scheme != scheme) continue;
    BackendUnderTest out;
    out.scheme = scheme;
    out.name = scheme;
    for (char& c : out.name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) c = '_';
    }
    out.capabilities = info.capabilities;
    out.key_value = static_cast<bool>(info.open_kv);
    switch (info.path_kind) {
      case PathKind::file:
        out.make_uri = [scheme](const std::string& dir) { return scheme + ":" + dir + "/test.db"; };
        break;
      case PathKind::directory:
        out.make_uri = [scheme](const std::string& dir) {
          return scheme + ":" + dir + "/" + scheme;
        };
        break;
      case PathKind::name:
        // A fresh name per test keeps tests apart; a named database (unlike a
        // private path) lets a reopen in the same test see the data.
        out.make_uri = [scheme](const std::string&) {
          static std::atomic<int> names{0};
          return scheme + ":conformance-" + std::to_string(names++);
        };
        break;
    }
    return out;
  }
  // Called while GoogleTest lists the tests, where an exception would only
  // say "terminate called".
  std::fprintf(stderr,
               "sds conformance suite: scheme '%s' is not registered; register it with "
               "sds::register_backend() before main() runs, for example from a static "
               "initializer in one of the test's files\n",
               scheme.c_str());
  std::exit(1);
}

std::vector<BackendUnderTest> backends_under_test() {
  std::vector<std::string> schemes = conformance_schemes();
  if (schemes.empty()) schemes = backends();
  std::vector<BackendUnderTest> out;
  for (const std::string& scheme : schemes) out.push_back(backend_under_test(scheme));
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

std::vector<BackendUnderTest> kv_backends_under_test() {
  std::vector<BackendUnderTest> out;
  for (auto& backend : backends_under_test()) {
    if (backend.key_value) out.push_back(std::move(backend));
  }
  return out;
}

std::string backend_name(const ::testing::TestParamInfo<BackendUnderTest>& info) {
  return info.param.name;
}

}  // namespace sds::test
