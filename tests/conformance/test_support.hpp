// Small helpers every test file of the project uses; part of the installed
// conformance suite (public API only).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <sds/sds.hpp>
#include <string>
#include <string_view>

namespace sds::test {

// A fresh directory under $TMPDIR (or /tmp), or under `base`, removed with
// the object.
class TempDir {
 public:
  TempDir();
  explicit TempDir(const std::string& base);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A tmpfs (/dev/shm) where there is one, else $TMPDIR or /tmp: the base of
// the TempDirs of a test that creates many databases, which a disk would
// spend minutes syncing.
std::string scratch_base();

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

// Forks a child that runs `body` (returning true when all went well) and
// _exits with 0 or 1, so that no GoogleTest or static destructor runs twice.
// An exception fails the child; its message goes to stderr.
template <class Body>
pid_t fork_child(Body&& body) {
  const pid_t pid = fork();
  if (pid == 0) {
    bool fine = false;
    try {
      fine = body();
    } catch (const std::exception& error) {
      std::fprintf(stderr, "child: %s\n", error.what());
    } catch (...) {
      std::fprintf(stderr, "child: an exception that is no std::exception\n");
    }
    _exit(fine ? 0 : 1);
  }
  return pid;
}

// Waits for a child: its exit code, or 128 + the signal that ended it.
int wait_for(pid_t pid);

// Runs `body` in a child process (fork_child) and waits: whether it went well.
template <class Body>
bool in_child(Body&& body) {
  return wait_for(fork_child(std::forward<Body>(body))) == 0;
}

}  // namespace sds::test
