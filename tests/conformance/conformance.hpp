// The conformance fixtures: every TEST_P on `Conformance` runs once per scheme
// of backends_under_test(), each in an empty directory of its own.
//
// Part of the conformance suite that sds-persistence installs as sources (in
// share/sds/conformance, added to a test target by the CMake function
// sds_add_conformance_tests, docs/DESIGN.md section 3.6): like every file of
// the suite, it uses the public API only. A target that has the suite can add
// TEST_P tests of its own to these fixtures.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <sds/sds.hpp>
#include <string>
#include <string_view>

#include "backends_under_test.hpp"
#include "test_support.hpp"

namespace sds::test {

inline void PrintTo(const BackendUnderTest& backend, std::ostream* out) { *out << backend.name; }

// `uri` with `query` ("key=value&...") added to its parameters: after '?', or
// after '&' where the URI has parameters already (a server's, SDS_CONFORMANCE_*).
inline std::string with_query(const std::string& uri, std::string_view query) {
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + std::string(query);
}

class Conformance : public ::testing::TestWithParam<BackendUnderTest> {
 protected:
  Conformance() : uri_(GetParam().make_uri(dir_.path())) {}

  std::unique_ptr<Store> open_store(std::string_view id = "doc") { return sds::open(uri_, id); }
  std::unique_ptr<Database> open_db() { return sds::open_database(uri_); }
  // The URI with `?query` appended.
  std::string uri_with(std::string_view query) const { return with_query(uri_, query); }

  TempDir dir_;
  std::string uri_;
};

// The same, for the schemes whose data outlives the process (capability
// `persistent`).
class DurableConformance : public Conformance {};

// The same, for the schemes that admit several processes on one database
// (capabilities `persistent` and `multi_process`).
class MultiProcessConformance : public Conformance {};

// Conformance is instantiated in conformance_test.cpp, DurableConformance and
// MultiProcessConformance in conformance_durability_test.cpp.

}  // namespace sds::test
