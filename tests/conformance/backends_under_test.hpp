// The schemes the conformance suite runs against, with what each backend
// declares it can do. Part of the installed conformance suite: public API only.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <sds/registry.hpp>
#include <string>
#include <vector>

namespace sds::test {

struct BackendUnderTest {
  std::string name;  // test-name-safe: the scheme with every other character as '_'
  std::string scheme;
  // What the backend declares in its BackendInfo (docs/DESIGN.md section 3.5):
  // the suites of the promises it does not make (durability across a crash,
  // several processes) leave it out.
  BackendCapabilities capabilities;
  // A key-value scheme (BackendInfo::open_kv), whose kv::Backend the kv trait
  // suites test; false for a Store-level scheme (open_database).
  bool key_value = true;
  // A server scheme (PathKind::server): its databases live in a server
  // (SDS_CONFORMANCE_<SCHEME>_URI), not in files of this machine.
  bool server = false;
  // The URI of a fresh database inside `dir` (an empty directory per test).
  std::function<std::string(const std::string& dir)> make_uri;
};

// The BackendConfig of a server scheme's URI as the core would make it, for
// the tests below the core: authority, path and parameters, taken as written
// (the URIs of SDS_CONFORMANCE_<SCHEME>_URI need no percent escapes).
BackendConfig server_config(const std::string& uri);

// The schemes to test, as given to sds_add_conformance_tests(... SCHEMES ...):
// defined in the file that function generates. Empty: every registered scheme.
std::vector<std::string> conformance_schemes();

// The backend of `scheme`, from the registry: its URIs follow its path kind
// (file: SCHEME:DIR/test.db, directory: SCHEME:DIR/SCHEME, name: a fresh name
// per test, SCHEME:conformance-N; server: SDS_CONFORMANCE_<SCHEME>_URI with
// a fresh {name}). Ends the program with a message when the
// scheme is not registered.
BackendUnderTest backend_under_test(const std::string& scheme);

// The backends of conformance_schemes(); those that declare `persistent`; those
// that also declare `multi_process`.
std::vector<BackendUnderTest> backends_under_test();
std::vector<BackendUnderTest> persistent_backends_under_test();
std::vector<BackendUnderTest> multi_process_backends_under_test();
// The backends of conformance_schemes() that are key-value schemes.
std::vector<BackendUnderTest> kv_backends_under_test();
// `backends` without the server schemes: for the suites about files on this
// machine (their modes, damage, power loss) or that would make thousands of
// server databases.
std::vector<BackendUnderTest> without_servers(std::vector<BackendUnderTest> backends);

// The test-name suffix of a parameterized test: the backend's name.
std::string backend_name(const ::testing::TestParamInfo<BackendUnderTest>& info);

}  // namespace sds::test
