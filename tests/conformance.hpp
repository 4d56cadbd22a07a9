// The conformance fixture: every TEST_P on `Conformance` runs once per scheme
// of backends_under_test(), each in an empty directory of its own.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <sds/sds.hpp>
#include <string>
#include <string_view>

#include "tests/backends_under_test.hpp"
#include "tests/test_support.hpp"

namespace sds::test {

inline void PrintTo(const BackendUnderTest& backend, std::ostream* out) { *out << backend.name; }

class Conformance : public ::testing::TestWithParam<BackendUnderTest> {
 protected:
  Conformance() : uri_(GetParam().make_uri(dir_.path())) {}

  std::unique_ptr<Store> open_store(std::string_view id = "doc") { return sds::open(uri_, id); }
  std::unique_ptr<Database> open_db() { return sds::open_database(uri_); }
  // The URI with `?query` appended.
  std::string uri_with(std::string_view query) const { return uri_ + "?" + std::string(query); }

  TempDir dir_;
  std::string uri_;
};

// The same, for the schemes whose data outlives the process.
class DurableConformance : public Conformance {};

// The same, for the schemes that admit several processes on one database.
class MultiProcessConformance : public Conformance {};

}  // namespace sds::test
