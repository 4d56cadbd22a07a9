// Small helpers every test file of the project uses; part of the installed
// conformance suite (public API only).
#pragma once

#include <gtest/gtest.h>

#include <sds/sds.hpp>
#include <string>
#include <string_view>

namespace sds::test {

// A fresh directory under $TMPDIR (or /tmp), removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline Bytes bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }
inline std::string text(ByteView data) { return std::string(as_chars(data)); }

// Runs `fn`, expecting sds::Error with `code`; returns its message.
template <class Fn>
std::string expect_error(Errc code, Fn&& fn) {
  try {
    fn();
  } catch (const Error& error) {
    EXPECT_EQ(to_string(error.code()), std::string(to_string(code))) << error.what();
    return error.what();
  }
  ADD_FAILURE() << "expected sds::Error(" << to_string(code) << ")";
  return {};
}

}  // namespace sds::test
