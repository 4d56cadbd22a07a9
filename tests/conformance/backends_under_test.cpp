#include "backends_under_test.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace sds::test {

namespace {

// The URIs of a server scheme: from the environment variable
// SDS_CONFORMANCE_<SCHEME>_URI, each `{name}` in it replaced by a name fresh
// per test and process. The tests of a server scheme cannot run without a
// server and must not pass without one: without the variable, each fails.
std::function<std::string(const std::string&)> server_uris(const std::string& scheme) {
  std::string variable = "SDS_CONFORMANCE_";
  for (char c : scheme) {
    variable.push_back((c >= 'a' && c <= 'z')   ? static_cast<char>(c - 'a' + 'A')
                       : (c >= '0' && c <= '9') ? c
                                                : '_');
  }
  variable += "_URI";
  return [scheme, variable](const std::string&) {
    const char* value = std::getenv(variable.c_str());
    if (value == nullptr || std::string(value).find("{name}") == std::string::npos) {
      throw std::runtime_error("scheme '" + scheme + "' needs a server: set " + variable +
                               " to its URI with {name} where a fresh name per test goes (for "
                               "postgres: postgres://user:password@host:port/db?table={name})");
    }
    static std::atomic<int> names{0};
    const std::string name =
        "conformance_" + std::to_string(::getpid()) + "_" + std::to_string(names++);
    std::string uri = value;
    for (std::size_t at = uri.find("{name}"); at != std::string::npos;
         at = uri.find("{name}", at)) {
      uri.replace(at, 6, name);
    }
    return uri;
  };
}

}  // namespace

BackendConfig server_config(const std::string& uri) {
  BackendConfig config;
  config.uri = uri;
  std::string rest = uri.substr(uri.find(':') + 1);
  const std::size_t question = rest.find('?');
  if (question != std::string::npos) {
    std::string query = rest.substr(question + 1);
    rest.resize(question);
    for (std::size_t start = 0; start <= query.size();) {
      const std::size_t end = std::min(query.find('&', start), query.size());
      const std::string pair = query.substr(start, end - start);
      const std::size_t equals = pair.find('=');
      config.params[pair.substr(0, equals)] = pair.substr(equals + 1);
      start = end + 1;
    }
  }
  if (rest.starts_with("//")) {
    const std::size_t slash = std::min(rest.find('/', 2), rest.size());
    config.authority = rest.substr(2, slash - 2);
    rest = rest.substr(slash);
  }
  config.path = rest;
  return config;
}

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
      case PathKind::server:
        out.server = true;
        out.make_uri = server_uris(scheme);
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

std::vector<BackendUnderTest> without_servers(std::vector<BackendUnderTest> backends) {
  std::erase_if(backends, [](const BackendUnderTest& backend) { return backend.server; });
  return backends;
}

std::string backend_name(const ::testing::TestParamInfo<BackendUnderTest>& info) {
  return info.param.name;
}

}  // namespace sds::test
