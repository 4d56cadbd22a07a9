// What the end-to-end tests of sdsctl share: running the real binary (in the
// foreground, in the background, in a shell pipeline), databases made through
// the public API, damage done to them on disk, and archives crafted entry by
// entry.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <sds/sds.hpp>
#include <string>
#include <vector>

#include "tests/conformance/test_support.hpp"

namespace sds::test {

struct Result {
  int exit_code = -1;  // -1: ended by a signal
  int signal = 0;      // the signal that ended it, if one did
  std::string out;
  std::string err;
};

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, std::string_view bytes);
std::string shell_quote(const std::string& arg);
int count_of(const std::string& text, const std::string& part);

// An archive built entry by entry (docs/ARCHIVE.md), checksums and end entry
// computed, so that tests can write what no exporter would.
class ArchiveBuilder {
 public:
  ArchiveBuilder();  // the header entry
  ArchiveBuilder& store(std::string_view id);
  // codec 0 (raw); `payload` as stored; the raw size `payload`'s unless given.
  ArchiveBuilder& record(std::string_view suffix, std::string_view payload, std::uint8_t codec = 0,
                         std::optional<std::uint64_t> raw_size = std::nullopt);
  ArchiveBuilder& patch(Clock clock, std::string_view payload);
  ArchiveBuilder& blob(std::string_view hash, std::int64_t ref_count, std::string_view payload);
  // The archive with its end entry.
  std::string finish() const;

 private:
  void entry(char kind, std::string_view body);

  std::string bytes_;
  std::uint64_t entries_ = 0, stores_ = 0, records_ = 0, blobs_ = 0;
};

class SdsctlTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return dir_.path() + "/" + name; }
  std::string sqlite(const std::string& name) const { return "sqlite:" + path(name); }
  // `scheme:path(name)` when this build has the scheme, else sqlite.
  std::string uri_of(const std::string& scheme, const std::string& name) const;
  bool has_scheme(const std::string& scheme) const;

  // Runs sdsctl with `args`, stdout and stderr captured (so stderr is no
  // terminal); stdin from `stdin_file` when given, else /dev/null.
  Result sdsctl(const std::vector<std::string>& args, const std::string& stdin_file = "") const;
  // Runs a shell command line in which "SDSCTL" stands for the binary.
  Result shell(const std::string& command_line) const;
  // Starts sdsctl in the background (stdin /dev/null, output to files).
  pid_t start(const std::vector<std::string>& args) const;
  // Waits for a process started by start().
  Result wait(pid_t pid) const;
  // Waits until process `pid` has read or written `bytes` bytes (its
  // /proc/PID/io), or ended; false if it ended first.
  bool wait_for_io(pid_t pid, std::uint64_t bytes) const;

  // Two stores (one id with bytes that are not text), snapshots large and
  // small, patches on both sides of the snapshot clock, shared blobs.
  void fill(const std::string& uri) const;
  // A store "big" of `patches` patches of 200 bytes, written quickly.
  void fill_big(const std::string& uri, std::uint64_t patches) const;
  // Flips one byte of the SQLite file at `name` where `marker` is stored.
  void damage_sqlite(const std::string& name, const std::string& marker) const;
  // Everything the database holds, as sdsctl export writes it.
  std::string exported(const std::string& uri, const std::string& file) const;

  TempDir dir_;
};

}  // namespace sds::test
