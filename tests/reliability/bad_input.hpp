// What the bad-input suite's files share (docs/DESIGN.md sections 5, 8, 10):
// the fixture, run on every scheme of the conformance fixture, and the check
// that a call either behaves or throws the sds::Error it must.
#pragma once

#include <string>
#include <vector>

#include "core/keys.hpp"
#include "tests/conformance/conformance.hpp"
#include "tests/reliability/reliability_report.hpp"

namespace sds {
// Test names show the scheme, not the bytes of the object.
inline void PrintTo(const BackendInfo& info, std::ostream* out) { *out << info.scheme; }
}  // namespace sds

namespace sds::test {

class BadInput : public Conformance {};

// The schemes of this build whose path names a file or a directory.
std::vector<BackendInfo> path_schemes();

// Values as text, for comparing lists of patches.
inline std::vector<std::string> texts(const std::vector<Bytes>& values) {
  std::vector<std::string> out;
  for (const Bytes& value : values) out.push_back(text(value));
  return out;
}

// Runs `fn`, which must throw sds::Error with `code`; counts one bad input
// of `kind` for the suite's line. Returns the error's what().
template <class Fn>
std::string refused(const std::string& kind, Errc code, Fn&& fn) {
  tried(kind);
  return expect_error(code, std::forward<Fn>(fn));
}

}  // namespace sds::test
