// Several processes on one SQLite file and on one LMDB environment
// (docs/DESIGN.md section 11.4): four writers append (at clocks of their own
// and at clocks that collide across processes) and save blobs, while readers
// are SIGKILLed inside a read transaction of the library itself; and, on LMDB,
// two processes grow a small map at once. No acknowledged write is lost, no
// clock is there twice, and no busy condition reaches a caller: the engine
// waits within its busy timeout.
#include <lmdb.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "tests/conformance/conformance.hpp"
#include "tests/reliability/reliability_report.hpp"

namespace sds::test {
namespace {

constexpr int kWriters = 4;
constexpr Clock kAppendsPerWriter = 600;
constexpr Clock kCollidingClocks = 150;
constexpr int kBlobSavesPerWriter = 30;
constexpr int kReaderKills = 16;      // at least
constexpr int kMaxReaderKills = 200;  // then the writers finish undisturbed

std::string owned_payload(int writer, Clock clock) {
  return "writer " + std::to_string(writer) + " at " + std::to_string(clock);
}

// A writer process: appends at clocks of its own (interleaved with the other
// writers'), at clocks every writer uses, and saves one shared blob.
bool write_as(const std::string& uri, int writer) {
  auto db = open_database(uri);
  auto owned = db->store("owned");
  auto colliding = db->store("colliding");
  for (Clock i = 0; i < kAppendsPerWriter; ++i) {
    const Clock clock = 1 + i * kWriters + static_cast<Clock>(writer);
    owned->append_patch(bytes(owned_payload(writer, clock)), clock);
    if (i < kCollidingClocks) colliding->append_patch(bytes(owned_payload(writer, i + 1)), i + 1);
    if (i % (kAppendsPerWriter / kBlobSavesPerWriter) == 0) {
      owned->save_value("shared blob", bytes("blob"));
    }
  }
  return true;
}

// A reader that enters a read transaction of the library itself (past the
// engine, which never keeps one open between calls), says so on `ready`, and
// waits there to be killed.
[[noreturn]] void read_and_wait(const BackendUnderTest& backend, const std::string& path,
                                int ready) {
  char entered = 0;
  if (backend.scheme == "sqlite") {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_exec(db, "BEGIN; SELECT count(*) FROM sds_kv;", nullptr, nullptr, nullptr) ==
        SQLITE_OK) {
      entered = 1;
    }
  } else {
    MDB_env* env = nullptr;
    MDB_txn* txn = nullptr;
    MDB_dbi dbi = 0;
    MDB_stat stat;
    // No mdb_reader_check(): the slots of the readers killed before stay
    // taken until the writers' engine frees them. Until then, a reader may
    // find every slot taken (entered = 2).
    int rc = -1;
    if (mdb_env_create(&env) == 0 && mdb_env_set_maxreaders(env, 126) == 0 &&
        mdb_env_open(env, path.c_str(), MDB_RDONLY | MDB_NOTLS, 0644) == 0) {
      rc = mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn);
    }
    if (rc == MDB_READERS_FULL) entered = 2;
    if (rc == 0 && mdb_dbi_open(txn, nullptr, 0, &dbi) == 0 && mdb_stat(txn, dbi, &stat) == 0) {
      entered = 1;
    }
  }
  if (write(ready, &entered, 1) != 1) _exit(1);
  for (;;) pause();
}

// The database's path from a URI made by backend_under_test (SCHEME:PATH).
std::string path_of(const std::string& uri) { return uri.substr(uri.find(':') + 1); }

class ConcurrencyProcesses : public ::testing::TestWithParam<BackendUnderTest> {};

TEST_P(ConcurrencyProcesses, FourWritersWhileReadersAreKilledInsideTransactions) {
  TempDir dir;
  const std::string uri = GetParam().make_uri(dir.path());
  ReliabilityReport report("concurrency_processes " + GetParam().scheme);
  // Created by the parent, and closed before any fork (docs/DESIGN.md 11.5).
  open_database(uri)->store("owned")->save_value("shared blob", bytes("blob"));

  std::vector<pid_t> writers;
  for (int writer = 0; writer < kWriters; ++writer) {
    writers.push_back(fork_child([&, writer] { return write_as(uri, writer); }));
  }
  // Readers are killed one after another for as long as any writer runs
  // (at least kReaderKills of them, at most kMaxReaderKills).
  std::map<pid_t, int> writer_status;
  int kills = 0;
  while (kills < kReaderKills ||
         (writer_status.size() < writers.size() && kills < kMaxReaderKills)) {
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    const pid_t reader = fork();
    if (reader == 0) {
      close(ready[0]);
      read_and_wait(GetParam(), path_of(uri), ready[1]);
    }
    close(ready[1]);
    char entered = 0;
    if (read(ready[0], &entered, 1) != 1 || (entered != 1 && entered != 2)) {
      report.violation("reader " + std::to_string(kills) + " could not begin a transaction");
    }
    report.count(entered == 2 ? "readers_finding_every_slot_taken"
                              : "readers_killed_in_transaction");
    close(ready[0]);
    kill(reader, SIGKILL);
    if (wait_for(reader) != 128 + SIGKILL) report.violation("a reader was not killed");
    ++kills;
    if (writer_status.size() < writers.size()) report.count("kills_while_writing");
    for (pid_t writer : writers) {
      int status = 0;
      if (!writer_status.contains(writer) && waitpid(writer, &status, WNOHANG) == writer) {
        writer_status[writer] = status;
      }
    }
  }
  for (pid_t writer : writers) {
    if (!writer_status.contains(writer)) waitpid(writer, &writer_status[writer], 0);
  }
  for (const auto& [writer, status] : writer_status) {
    // A writer that met a busy error (or any other) exits with 1.
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      report.violation("a writer process failed (see its stderr)");
    }
  }
  report.count("processes", static_cast<std::uint64_t>(kWriters + kills));

  auto db = open_database(uri);
  std::map<Clock, std::string> owned;
  std::uint64_t visits = 0;
  db->store("owned")->visit_patches_since(0, [&](Clock clock, ByteView patch) {
    ++visits;
    owned[clock] = text(patch);
    return true;
  });
  if (visits != owned.size()) report.violation("a clock was visited twice");
  for (int writer = 0; writer < kWriters; ++writer) {
    for (Clock i = 0; i < kAppendsPerWriter; ++i) {
      const Clock clock = 1 + i * kWriters + static_cast<Clock>(writer);
      const auto it = owned.find(clock);
      if (it == owned.end() || it->second != owned_payload(writer, clock)) {
        report.violation("acknowledged clock " + std::to_string(clock) + " is lost or wrong");
      }
    }
  }
  if (owned.size() != kWriters * kAppendsPerWriter) report.violation("extra patches");
  report.count("appends", owned.size());

  std::set<Clock> colliding;
  db->store("colliding")->visit_patches_since(0, [&](Clock clock, ByteView patch) {
    const std::string seen = text(patch);
    bool attempted = false;
    for (int writer = 0; writer < kWriters; ++writer) {
      attempted = attempted || seen == owned_payload(writer, clock);
    }
    if (!attempted || !colliding.insert(clock).second) {
      report.violation("colliding clock " + std::to_string(clock) + " holds '" + seen + "'");
    }
    return true;
  });
  if (colliding.size() != kCollidingClocks) report.violation("colliding clocks lost");
  report.count("colliding_appends", kWriters * kCollidingClocks);

  struct RefCount : ContentsVisitor {
    std::int64_t count = 0;
    void store(std::string_view) override {}
    void snapshot(Clock, ByteView) override {}
    void patch(Clock, ByteView) override {}
    void blob(std::string_view, std::int64_t ref_count, ByteView) override { count = ref_count; }
  } blob;
  db->visit_contents(blob, {.stores = {"owned"}, .blobs = true});
  if (blob.count != 1 + kWriters * kBlobSavesPerWriter) {
    report.violation("the shared blob has " + std::to_string(blob.count) + " references, " +
                     std::to_string(1 + kWriters * kBlobSavesPerWriter) + " were taken");
  }
  report.count("blob_saves", 1 + kWriters * kBlobSavesPerWriter);
  report.print();
}

// Holds the library's own write lock for `hold` in a process of its own,
// after saying so on `ready`.
[[noreturn]] void hold_write_lock(const BackendUnderTest& backend, const std::string& path,
                                  int ready, std::chrono::milliseconds hold) {
  char held = 0;
  if (backend.scheme == "sqlite") {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK &&
        sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK) {
      held = 1;
    }
  } else {
    MDB_env* env = nullptr;
    MDB_txn* txn = nullptr;
    if (mdb_env_create(&env) == 0 && mdb_env_open(env, path.c_str(), MDB_NOTLS, 0644) == 0 &&
        mdb_txn_begin(env, nullptr, 0, &txn) == 0) {
      held = 1;
    }
  }
  if (write(ready, &held, 1) != 1) _exit(1);
  std::this_thread::sleep_for(hold);
  _exit(0);  // the lock goes with the process
}

TEST_P(ConcurrencyProcesses, ALockHeldWithinTheBusyTimeoutIsWaitedFor) {
  TempDir dir;
  const std::string uri = GetParam().make_uri(dir.path());
  ReliabilityReport report("concurrency_busy " + GetParam().scheme);
  open_database(uri)->store("doc")->append_patch(bytes("first"), 1);
  constexpr auto kHold = std::chrono::milliseconds(300);
  for (int round = 0; round < 3; ++round) {
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    const pid_t holder = fork();
    if (holder == 0) {
      close(ready[0]);
      hold_write_lock(GetParam(), path_of(uri), ready[1], kHold);
    }
    close(ready[1]);
    char held = 0;
    ASSERT_EQ(read(ready[0], &held, 1), 1);
    close(ready[0]);
    ASSERT_EQ(held, 1) << "the other process could not take the write lock";
    const auto start = std::chrono::steady_clock::now();
    try {
      // Fresh each round: opening waits for the lock too.
      auto store = open(uri, "doc");
      store->append_patch(bytes("waited"), 2 + static_cast<Clock>(round));
      report.count("writes_that_waited");
    } catch (const Error& error) {
      report.violation(std::string("a lock held for 300 ms surfaced: ") + error.what());
    }
    const auto waited = std::chrono::steady_clock::now() - start;
    if (waited < kHold / 2) report.violation("the write did not wait for the other process's lock");
    if (wait_for(holder) != 0) report.violation("the lock holder failed");
  }
  if (open(uri, "doc")->load_patches_since(1).size() != 3) report.violation("a write is lost");
  report.print();
}

INSTANTIATE_TEST_SUITE_P(Backends, ConcurrencyProcesses,
                         ::testing::Values(backend_under_test("sqlite"),
                                           backend_under_test("lmdb")),
                         backend_name);

// Two processes write far past a 64 KiB map at the same time: each grows it
// or adopts the other's growth, and neither sees an error.
TEST(ConcurrencyProcessesLmdb, TwoProcessesGrowASmallMapAtOnce) {
  TempDir dir;
  const std::string uri = "lmdb:" + dir.path() + "/env?map_size=64KiB";
  ReliabilityReport report("concurrency_map_growth lmdb");
  constexpr int kValues = 150;
  constexpr std::size_t kValueBytes = 16 * 1024;
  open_database(uri)->store("doc")->append_patch(bytes("first"), 1);
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  std::vector<pid_t> children;
  for (int process = 0; process < 2; ++process) {
    children.push_back(fork_child([&, process] {
      close(go[1]);
      auto store = open(uri, "doc");
      char start = 0;
      if (read(go[0], &start, 1) != 0) return false;  // the parent closes it: both start
      for (int v = 0; v < kValues; ++v) {
        // Bytes zstd cannot shrink much: each value takes its size in the map.
        Bytes value(kValueBytes);
        std::uint32_t state = static_cast<std::uint32_t>(process * 100003 + v * 7 + 1);
        for (auto& byte : value)
          byte = static_cast<std::uint8_t>((state = state * 1103515245 + 12345) >> 24);
        store->save_value("value " + std::to_string(process) + "-" + std::to_string(v), value);
        store->append_patch(bytes("patch"), 2 + static_cast<Clock>(v * 2 + process));
      }
      return true;
    }));
  }
  close(go[0]);
  close(go[1]);
  for (pid_t child : children) {
    if (wait_for(child) != 0) report.violation("a growing process failed (see its stderr)");
  }
  report.count("processes", 2);
  auto db = open_database(uri);
  const auto stats = db->stats();
  if (stats.blob_count != 2 * kValues) {
    report.violation(std::to_string(stats.blob_count) + " values of " +
                     std::to_string(2 * kValues) + " are there");
  }
  report.count("values", stats.blob_count);
  const auto patches = db->store("doc")->load_patches_since(1);
  if (patches.size() != 2 * kValues) report.violation("patches lost");
  report.count("appends", patches.size());
  // The map grew to hold it all: well past its 64 KiB.
  report.count("bytes_on_disk", stats.bytes_on_disk.value_or(0));
  if (stats.bytes_on_disk.value_or(0) < 2 * kValues * kValueBytes) {
    report.violation("the environment is smaller than what was written");
  }
  report.print();
}

}  // namespace
}  // namespace sds::test
