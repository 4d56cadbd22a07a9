// Bytes from the caller in error messages: a NUL would cut what() short, and
// escape sequences would reach the terminal of whoever reads the message. Every
// URI, path, store id and hash is quoted as core::keys::printable() shows it.
#include <filesystem>
#include <fstream>

#include "tests/conformance/conformance.hpp"

namespace sds::test {
namespace {

// Whether `text` holds a byte below 0x20 or DEL.
bool has_control_bytes(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

// The error `fn` throws, which must be an sds::Error.
template <class Fn>
Error error_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "expected an sds::Error";
  return Error(Errc::io_error, "none");
}

// A scheme of this build whose path names a file or a directory.
std::string a_path_scheme() {
  for (const BackendInfo& info : backend_infos()) {
    if (info.path_kind == PathKind::file || info.path_kind == PathKind::directory) {
      return info.scheme;
    }
  }
  ADD_FAILURE() << "no scheme with a path in this build";
  return "sqlite";
}

TEST(ErrorText, ANulInAUriIsShownAndDoesNotCutTheMessage) {
  TempDir dir;
  const std::string uri = a_path_scheme() + ":" + dir.path() + "/a" + std::string(1, '\0') + "b.db";
  const Error error = error_of([&] { sds::open_database(uri); });
  EXPECT_EQ(error.code(), Errc::invalid_argument);
  const std::string what = error.what();  // as a C string: up to the first NUL
  EXPECT_NE(what.find("a\\x00b.db"), std::string::npos) << what;
  EXPECT_FALSE(has_control_bytes(error.message())) << what;
}

TEST(ErrorText, EscapeSequencesInUrisAndNamesNeverReachTheMessage) {
  const std::string escape = "\x1b[2J\x1b]0;pwned\x07";
  std::vector<std::function<void()>> calls = {
      [&] { sds::open_database("memory:" + escape, {.read_only = true}); },   // memory backend
      [&] { sds::open_database("memory:x?sync=" + escape); },                 // a parameter value
      [&] { sds::open_database("memory:x?" + escape + "=1"); },               // a parameter name
      [&] { sds::open_database("memory:x?a=%" + escape); },                   // a bad escape
      [&] { sds::open_database("sqlite:/nonexistent" + escape + "/x.db"); },  // a missing directory
      [&] { sds::open_database("memory:", {.read_only = false})->drop_store(escape); },
  };
  TempDir dir;
  // A path of each file or directory scheme that is a file, not a database.
  const std::string file = dir.path() + "/file" + escape;
  std::ofstream(file) << "not a database of any kind, long enough to be read as one\n";
  for (const BackendInfo& info : backend_infos()) {
    if (info.path_kind != PathKind::file && info.path_kind != PathKind::directory) continue;
    calls.push_back([&, scheme = info.scheme] { sds::open_database(scheme + ":" + file); });
  }
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const Error error = error_of(calls[i]);
    EXPECT_FALSE(has_control_bytes(error.what())) << "call " << i << ": " << error.what();
    EXPECT_NE(std::string(error.what()).find("\\x1b"), std::string::npos)
        << "call " << i << ": " << error.what();
  }
}

}  // namespace
}  // namespace sds::test
