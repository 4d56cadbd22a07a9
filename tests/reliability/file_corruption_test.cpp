// Corruption of the libraries' files: bytes of an SQLite database file, of
// LMDB's data.mdb and of RocksDB's SST files flipped, one at a time, in a
// copy of a database the scripted workload wrote. Each damaged copy is probed
// in a child process (a crash must not end the suite), which reads it twice:
//
// 1. through the bare backend, every entry (the backend's own checks);
// 2. through the engine, over the instrumented wrapper, every store and blob,
//    compared with the workload's model (check_invariants).
//
// Each case counts as detected by the backend (1 threw), detected by the
// engine (1 read everything, 2 refused with corruption), harmless (2 read
// exactly the model), undetected (2 read something else without an error;
// told apart by whether the library's own integrity check, which sdsctl
// verify runs, finds the damage), or a crash: inside the backend library (a
// finding: LMDB has no page checksums) or in our code, which must never
// happen. So must a hang, an exception that is no sds::Error, or a sanitizer
// report.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "tests/conformance/conformance.hpp"
#include "tests/conformance/instrumented_backend.hpp"
#include "tests/raw_kv.hpp"
#include "tests/reliability/workload.hpp"

namespace sds::test::reliability {
namespace {

namespace fs = std::filesystem;

// How a probe ended: the child's exit code.
enum Outcome : int {
  kHarmless = 0,
  kFailed = 1,  // an exception that is no sds::Error, a sanitizer report, ...
  kBackendDetected = 10,
  kEngineDetected = 11,
  kEngineOtherError = 12,
  kUndetected = 13,
  kUndetectedButIntegrityCheckFinds = 14,  // sdsctl verify would find it
  kCrashInBackend = 20,
  kCrashInOurCode = 21,
  kHang = 30,  // not an exit code: the parent killed the child
};

constexpr auto kProbeTimeout = std::chrono::seconds(20);

// The files of a database that a case damages, by library: what each
// library keeps the data in.
struct DamagedFiles {
  const char* scheme;
  bool (*holds_data)(const fs::path& file);
  std::size_t random_cases;  // besides the first and last bytes of each file
};

const DamagedFiles kLibraries[] = {
    {"sqlite", [](const fs::path& file) { return file.extension() == ".db"; }, 120},
    {"lmdb", [](const fs::path& file) { return file.filename() == "data.mdb"; }, 120},
    {"rocksdb", [](const fs::path& file) { return file.extension() == ".sst"; }, 60},
};

const DamagedFiles* library_of(const std::string& scheme) {
  for (const DamagedFiles& library : kLibraries) {
    if (scheme == library.scheme) return &library;
  }
  return nullptr;
}

// The persistent key-value schemes whose files this suite knows.
std::vector<BackendUnderTest> backends_with_known_files() {
  std::vector<BackendUnderTest> out;
  for (BackendUnderTest& backend : kv_backends_under_test()) {
    if (backend.capabilities.persistent && library_of(backend.scheme)) {
      out.push_back(std::move(backend));
    }
  }
  return out;
}

const ScriptShape kShape{.lanes = 2, .ops_per_lane = 60, .seed = 3};

// In the child: a crash ends it with the code of where it happened.
void on_crash(int) { _exit(inside_wrapped_backend() ? kCrashInBackend : kCrashInOurCode); }

Outcome probe(const std::string& uri, const Script& script) {
  for (int signal : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) {
    struct sigaction action {};
    action.sa_handler = on_crash;
    sigaction(signal, &action, nullptr);
  }
  const std::string wrapped = instrumented(uri);
  try {
    std::uint64_t bytes = 0;
    view_raw_kv(wrapped, [&](kv::ReadTransaction& txn) {
      txn.scan("", "", [&](std::string_view key, ByteView value) {
        for (std::uint8_t byte : value) bytes += byte;
        bytes += key.size();
        return true;
      });
    });
  } catch (const Error&) {
    return kBackendDetected;
  }
  std::vector<LaneOutcome> outcomes;
  for (std::size_t lane = 0; lane < kShape.lanes; ++lane) {
    outcomes.push_back(crashed_after(script, lane, kShape.ops_per_lane));
  }
  std::unique_ptr<Database> database;
  try {
    // What check_invariants reads, so that an error keeps its code.
    class Reader : public ContentsVisitor {
      void store(std::string_view) override {}
      void snapshot(Clock, ByteView) override {}
      void patch(Clock, ByteView) override {}
      void blob(std::string_view, std::int64_t, ByteView) override {}
    } reader;
    database = open_database(wrapped);
    database->visit_contents(reader);
  } catch (const Error& error) {
    return error.code() == Errc::corruption ? kEngineDetected : kEngineOtherError;
  }
  const std::vector<std::string> problems =
      check_invariants(*database, script, outcomes, Promise::acknowledged_survive);
  if (problems.empty()) return kHarmless;
  std::fprintf(stderr, "probe: undetected: %s\n", problems.front().c_str());
  database.reset();
  return check_raw_integrity(uri).problems.empty() ? kUndetected
                                                   : kUndetectedButIntegrityCheckFinds;
}

Outcome probe_in_child(const std::string& uri, const Script& script) {
  // An exception ends the child with 1, kFailed.
  const pid_t pid = fork_child([&] {
    _exit(probe(uri, script));
    return false;
  });
  const auto deadline = std::chrono::steady_clock::now() + kProbeTimeout;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return kHang;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return WIFEXITED(status) ? static_cast<Outcome>(WEXITSTATUS(status)) : kFailed;
}

// Every file under `dir` that holds the library's data, in name order.
std::vector<fs::path> data_files(const fs::path& dir, const DamagedFiles& library) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && library.holds_data(entry.path())) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void flip_byte(const fs::path& file, std::uint64_t offset, std::uint8_t mask) {
  std::fstream stream(file, std::ios::in | std::ios::out | std::ios::binary);
  stream.seekg(static_cast<std::streamoff>(offset));
  const int byte = stream.get();
  ASSERT_NE(byte, EOF) << file << " at " << offset;
  stream.seekp(static_cast<std::streamoff>(offset));
  stream.put(static_cast<char>(byte ^ mask));
  ASSERT_TRUE(stream.good()) << file;
}

class FileCorruption : public ::testing::TestWithParam<BackendUnderTest> {};

TEST_P(FileCorruption, DamageIsDetectedOrHarmlessAndNeverCrashesOurCode) {
  const DamagedFiles& library = *library_of(GetParam().scheme);
  const Script script(kShape);
  TempDir pristine(scratch_base());
  const std::string uri = GetParam().make_uri(pristine.path());
  {
    auto database = open_database(uri);
    for (std::size_t lane = 0; lane < kShape.lanes; ++lane) {
      auto store = database->store(lane_store_id(lane));
      for (const Op& op : script.lane(lane)) apply(*store, script, lane, op);
    }
  }
  const std::vector<fs::path> files = data_files(pristine.path(), library);
  ASSERT_FALSE(files.empty()) << "no data file of " << library.scheme << " in " << pristine.path();

  // The cases: the first and last 256 bytes of each file (headers, meta
  // pages, footers), every 8th byte; 4 random bytes of the first 32 of each
  // 4 KiB page (the page headers of SQLite and LMDB); then random bytes of
  // random files.
  std::mt19937_64 random(17);
  std::vector<std::pair<std::size_t, std::uint64_t>> cases;  // file, offset
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::uint64_t size = fs::file_size(files[i]);
    for (std::uint64_t offset = 0; offset < std::min<std::uint64_t>(256, size); offset += 8) {
      cases.emplace_back(i, offset);
      if (size > 512) cases.emplace_back(i, size - 1 - offset);
    }
    for (std::uint64_t page = 4096; page + 32 <= size; page += 4096) {
      for (int n = 0; n < 4; ++n) cases.emplace_back(i, page + random() % 32);
    }
  }
  for (std::size_t n = 0; n < library.random_cases; ++n) {
    const std::size_t file = random() % files.size();
    cases.emplace_back(file, random() % fs::file_size(files[file]));
  }

  std::map<int, std::uint64_t> counts;
  for (const auto& [file, offset] : cases) {
    TempDir copy(scratch_base());
    fs::copy(pristine.path(), copy.path(), fs::copy_options::recursive);
    const fs::path damaged = copy.path() / fs::relative(files[file], pristine.path());
    const auto mask = static_cast<std::uint8_t>(1 + random() % 255);
    flip_byte(damaged, offset, mask);
    const Outcome outcome = probe_in_child(GetParam().make_uri(copy.path()), script);
    ++counts[outcome];
    const std::string where = "byte " + std::to_string(offset) + " of " +
                              files[file].filename().string() + " ^ " + std::to_string(mask);
    if (outcome == kCrashInOurCode || outcome == kFailed || outcome == kHang) {
      ADD_FAILURE() << where << ": outcome " << outcome;
    } else if (outcome == kCrashInBackend || outcome == kUndetected ||
               outcome == kUndetectedButIntegrityCheckFinds) {
      // Findings about the library, for the README's caveats.
      std::printf("finding %s: %s: %s\n", GetParam().name.c_str(), where.c_str(),
                  outcome == kCrashInBackend ? "crash inside the library"
                  : outcome == kUndetected
                      ? "records gone without an error"
                      : "records gone without an error; the library's integrity check finds it");
    }
  }
  const std::uint64_t violations = counts[kCrashInOurCode] + counts[kFailed] + counts[kHang];
  std::printf(
      "RELIABILITY file_corruption %s: cases=%zu files=%zu detected_by_backend=%llu "
      "detected_by_engine=%llu engine_other_error=%llu harmless=%llu undetected=%llu "
      "undetected_but_integrity_check_finds=%llu backend_crash=%llu crash_in_our_code=%llu "
      "hang=%llu failed=%llu violations=%llu\n",
      GetParam().name.c_str(), cases.size(), files.size(),
      static_cast<unsigned long long>(counts[kBackendDetected]),
      static_cast<unsigned long long>(counts[kEngineDetected]),
      static_cast<unsigned long long>(counts[kEngineOtherError]),
      static_cast<unsigned long long>(counts[kHarmless]),
      static_cast<unsigned long long>(counts[kUndetected]),
      static_cast<unsigned long long>(counts[kUndetectedButIntegrityCheckFinds]),
      static_cast<unsigned long long>(counts[kCrashInBackend]),
      static_cast<unsigned long long>(counts[kCrashInOurCode]),
      static_cast<unsigned long long>(counts[kHang]),
      static_cast<unsigned long long>(counts[kFailed]),
      static_cast<unsigned long long>(violations));
  EXPECT_EQ(violations, 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, FileCorruption, ::testing::ValuesIn(backends_with_known_files()),
                         backend_name);

}  // namespace
}  // namespace sds::test::reliability
