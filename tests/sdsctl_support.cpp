#include "tests/sdsctl_support.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "core/catalog.hpp"
#include "core/keys.hpp"
#include "core/open_shared_backend.hpp"
#include "core/record.hpp"

namespace sds::test {
namespace {

void append_le(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>(value >> (8 * i)));
}

Result collect(int status, const std::string& out, const std::string& err) {
  Result result;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.out = read_file(out);
  result.err = read_file(err);
  return result;
}

}  // namespace

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string shell_quote(const std::string& arg) {
  std::string out = "'";
  for (const char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out.append(1, '\'');
}

int count_of(const std::string& text, const std::string& part) {
  int count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++count;
  return count;
}

ArchiveBuilder::ArchiveBuilder() {
  std::string body = "SDSARCHV";
  append_le(body, 1, 4);  // archive version
  append_le(body, 1, 4);  // database format
  entry('H', body);
}

ArchiveBuilder& ArchiveBuilder::store(std::string_view id) {
  ++stores_;
  entry('S', id);
  return *this;
}

ArchiveBuilder& ArchiveBuilder::record(std::string_view suffix, std::string_view payload,
                                       std::uint8_t codec, std::optional<std::uint64_t> raw_size) {
  ++records_;
  std::string body;
  append_le(body, suffix.size(), 4);
  body.append(suffix);
  body.push_back(static_cast<char>(codec));
  append_le(body, raw_size.value_or(payload.size()), 8);
  body.append(payload);
  entry('R', body);
  return *this;
}

ArchiveBuilder& ArchiveBuilder::patch(Clock clock, std::string_view payload) {
  std::string suffix = "p";
  for (int shift = 56; shift >= 0; shift -= 8) suffix.push_back(static_cast<char>(clock >> shift));
  return record(suffix, payload);
}

ArchiveBuilder& ArchiveBuilder::blob(std::string_view hash, std::int64_t ref_count,
                                     std::string_view payload) {
  ++blobs_;
  std::string body;
  append_le(body, hash.size(), 4);
  body.append(hash);
  append_le(body, static_cast<std::uint64_t>(ref_count), 8);
  body.push_back(0);
  append_le(body, payload.size(), 8);
  body.append(payload);
  entry('B', body);
  return *this;
}

void ArchiveBuilder::entry(char kind, std::string_view body) {
  std::string entry(1, kind);
  append_le(entry, body.size(), 8);
  entry.append(body);
  append_le(entry, XXH3_64bits(entry.data(), entry.size()), 8);
  bytes_ += entry;
  ++entries_;
}

std::string ArchiveBuilder::finish() const {
  std::string body;
  append_le(body, entries_, 8);
  append_le(body, stores_, 8);
  append_le(body, records_, 8);
  append_le(body, blobs_, 8);
  append_le(body, XXH3_64bits(bytes_.data(), bytes_.size()), 8);
  std::string end(1, 'E');
  append_le(end, body.size(), 8);
  end.append(body);
  append_le(end, XXH3_64bits(end.data(), end.size()), 8);
  return bytes_ + end;
}

bool SdsctlTest::has_scheme(const std::string& scheme) const {
  for (const std::string& known : sds::backends()) {
    if (known == scheme) return true;
  }
  return false;
}

std::string SdsctlTest::uri_of(const std::string& scheme, const std::string& name) const {
  return (has_scheme(scheme) ? scheme : std::string("sqlite")) + ":" + path(name);
}

Result SdsctlTest::sdsctl(const std::vector<std::string>& args,
                          const std::string& stdin_file) const {
  std::string command = shell_quote(SDSCTL_PATH);
  // Appended piece by piece: GCC 12 warns wrongly about "literal" + std::string.
  for (const std::string& arg : args) command.append(" ").append(shell_quote(arg));
  command.append(" <").append(shell_quote(stdin_file.empty() ? "/dev/null" : stdin_file));
  command.append(" >").append(shell_quote(path("out")));
  command.append(" 2>").append(shell_quote(path("err")));
  return collect(std::system(command.c_str()), path("out"), path("err"));
}

Result SdsctlTest::shell(const std::string& command_line) const {
  std::string command;
  for (std::size_t at = 0; at < command_line.size();) {
    const std::size_t found = command_line.find("SDSCTL", at);
    command += command_line.substr(at, found - at);
    if (found == std::string::npos) break;
    command += shell_quote(SDSCTL_PATH);
    at = found + 6;
  }
  const std::string line = "(" + command + ") >" + shell_quote(path("out")) + " 2>" +
                           shell_quote(path("err")) + " </dev/null";
  return collect(std::system(line.c_str()), path("out"), path("err"));
}

pid_t SdsctlTest::start(const std::vector<std::string>& args) const {
  const std::string out = path("out");
  const std::string err = path("err");
  const pid_t pid = fork();
  if (pid != 0) return pid;
  const int in = ::open("/dev/null", O_RDONLY);
  const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(in, 0);
  dup2(o, 1);
  dup2(e, 2);
  std::vector<char*> argv{const_cast<char*>(SDSCTL_PATH)};
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execv(SDSCTL_PATH, argv.data());
  _exit(127);
}

Result SdsctlTest::wait(pid_t pid) const {
  int status = 0;
  waitpid(pid, &status, 0);
  return collect(status, path("out"), path("err"));
}

bool SdsctlTest::wait_for_io(pid_t pid, std::uint64_t bytes) const {
  const std::string io = "/proc/" + std::to_string(pid) + "/io";
  for (int round = 0; round < 6000; ++round) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG | WNOWAIT) == pid) return false;
    std::ifstream in(io);
    std::string name;
    std::uint64_t value = 0;
    std::uint64_t total = 0;
    while (in >> name >> value) {
      if (name == "rchar:" || name == "wchar:") total += value;
    }
    if (total >= bytes) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

void SdsctlTest::fill(const std::string& uri) const {
  auto database = sds::open_database(uri);
  auto notes = database->store("notes");
  std::string big;
  for (int i = 0; i < 20000; ++i)
    big += "line " + std::to_string(i) + " of a compressible snapshot\n";
  notes->append_patch(sds::as_bytes("below the snapshot clock"), 3);
  notes->save_snapshot(sds::as_bytes(big), 10);
  for (sds::Clock clock = 10; clock < 20; ++clock) {
    notes->append_patch(sds::as_bytes("PATCH-MARKER-" + std::to_string(clock)), clock);
  }
  notes->save_value("sha256:shared", sds::as_bytes(std::string(100000, 'x')));
  notes->save_value("sha256:shared", sds::as_bytes(std::string(100000, 'x')));
  notes->save_value("sha256:single", sds::as_bytes("a small blob"));
  auto binary = database->store(std::string("bin\0\xff/id", 8));
  binary->append_patch(sds::as_bytes("only a patch"), 0);
  binary->append_patch(sds::as_bytes("and the largest clock"), ~sds::Clock{0});
}

void SdsctlTest::fill_big(const std::string& uri, std::uint64_t patches) const {
  sds::open(uri, "big")->append_patch(sds::as_bytes("first"), 0);
  const auto opened = sds::core::open_shared_backend(uri, {});
  std::uint64_t number = 0;
  opened.shared->kv().view(
      [&](sds::kv::ReadTransaction& txn) { number = *sds::core::find_store(txn, "big", ""); });
  const std::string payload(200, 'b');
  // Thousands of patches per transaction: the public API would take one each.
  for (std::uint64_t clock = 1; clock <= patches;) {
    opened.shared->kv().update([&](sds::kv::WriteTransaction& txn) {
      for (int i = 0; i < 20000 && clock <= patches; ++i, ++clock) {
        const std::string key = sds::core::keys::patch(number, clock);
        txn.put(key, sds::core::encode_raw(key, sds::as_bytes(payload)));
      }
    });
  }
}

void SdsctlTest::damage_sqlite(const std::string& name, const std::string& marker) const {
  std::string bytes = read_file(path(name));
  const std::size_t at = bytes.find(marker);
  ASSERT_NE(at, std::string::npos) << marker;
  bytes[at] ^= 0x20;
  write_file(path(name), bytes);
}

std::string SdsctlTest::exported(const std::string& uri, const std::string& file) const {
  const Result result = sdsctl({"export", uri, path(file)});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return read_file(path(file));
}

}  // namespace sds::test
