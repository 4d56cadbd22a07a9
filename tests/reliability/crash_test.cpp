// Process crash (docs/DESIGN.md section 9.1, "after the process crashes"): a
// forked writer runs the workload's lanes in threads and is SIGKILLed at
// random moments, and at each named kill point of the core
// (core/kill_points.hpp); after every kill, the database must hold every
// acknowledged operation of every lane, with no holes, no torn checkpoint and
// exact reference counts (check_invariants), in every sync mode.
//
// Each sync mode has a database of its own that writer after writer
// continues, resuming each lane where the database stands, so recovery runs
// again and again on a database recovered before; a fresh one starts when the
// script is done (or after a violation). SDS_CRASH_KILLS (random kills per
// sync mode) and SDS_CRASH_SEED make longer or other runs by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <thread>

#include "core/kill_points.hpp"
#include "tests/conformance/conformance.hpp"  // PrintTo(BackendUnderTest): test names
#include "tests/reliability/check_in_child.hpp"
#include "tests/reliability/crash_writer.hpp"
#include "tests/reliability/workload.hpp"

namespace sds::test {
// Every scheme of this build.
std::vector<std::string> conformance_schemes() { return {}; }
}  // namespace sds::test

namespace sds::test::reliability {
namespace {

using core::KillPoint;

constexpr std::size_t kLanes = 4;
constexpr std::size_t kOpsPerLane = 200;
// Random kills per sync mode: 300 per backend over the three modes.
constexpr std::size_t kKillsPerMode = 100;
// A kill point run every this many random kills.
constexpr std::size_t kRandomKillsPerPointRun = 15;
// A writer that takes longer than this is stuck: a violation.
constexpr int kWriterTimeoutMs = 60'000;
constexpr std::array<const char*, 3> kSyncModes = {"off", "normal", "full"};
constexpr std::array<KillPoint, core::kKillPoints> kAllPoints = {
    KillPoint::patch_put, KillPoint::checkpoint_snapshot_put, KillPoint::checkpoint_prune,
    KillPoint::blob_ref_change, KillPoint::group_half_assembled};

std::size_t from_environment(const char* name, std::size_t fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::strtoull(value, nullptr, 10) : fallback;
}

struct Tally {
  std::size_t kills = 0;        // random SIGKILLs that found the writer still running
  std::size_t point_kills = 0;  // writers that killed themselves at a kill point
  std::array<std::size_t, core::kKillPoints> at_point{};
  std::size_t violations = 0;
  std::size_t databases = 0;
  std::size_t finished = 0;  // writers that ran their script to the end before any kill
};

// One sync mode of one backend: its database, and where each lane stands.
class CrashLoop {
 public:
  CrashLoop(const BackendUnderTest& backend, const std::string& sync, std::mt19937_64& random,
            Tally& tally)
      : backend_(backend), sync_(sync), random_(random), tally_(tally) {
    fresh_database();
  }

  // A writer killed at a random moment: mostly after a random number of
  // acknowledged operations, sometimes while it opens (and so recovers) the
  // database.
  void random_kill() {
    CrashWriter writer(script_, plan());
    if (random_() % 10 == 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(random_() % 20'000));
    } else {
      const std::size_t reports = 1 + random_() % 48;
      if (!writer.wait_for_reports(reports, kWriterTimeoutMs)) {
        violation("the writer did not report " + std::to_string(reports) + " operations within " +
                  std::to_string(kWriterTimeoutMs) + " ms");
      }
      std::this_thread::sleep_for(std::chrono::microseconds(random_() % 500));
    }
    writer.kill_and_reap();
    if (writer.status() == 128 + SIGKILL) ++tally_.kills;
    after(writer, "random kill");
  }

  // A writer that kills itself on an early hit of `point`; whether it did
  // (it may finish the script first).
  bool kill_at(KillPoint point) {
    // Groups of several writers are rarer than the other points' hits.
    const std::size_t hit = 1 + random_() % (point == KillPoint::group_half_assembled ? 2 : 6);
    WriterPlan plan_with_point = plan();
    plan_with_point.kill_point = point;
    plan_with_point.kill_on_hit = hit;
    CrashWriter writer(script_, plan_with_point);
    if (!writer.reap_within(kWriterTimeoutMs)) {
      violation("the writer did not end within " + std::to_string(kWriterTimeoutMs) + " ms");
    }
    const bool killed = writer.killed_at() == point && writer.status() == 128 + SIGKILL;
    if (killed) {
      ++tally_.point_kills;
      ++tally_.at_point[static_cast<std::size_t>(point)];
    }
    after(writer, std::string("kill point ") + core::to_string(point));
    return killed;
  }

 private:
  // A writer that goes on from where the database stands.
  WriterPlan plan() const {
    WriterPlan plan;
    plan.uri = uri_;
    plan.resume = resume_;
    return plan;
  }

  // Removes the last database, if any: it is checked.
  void fresh_database() {
    if (!database_dir_.empty()) std::filesystem::remove_all(database_dir_);
    database_dir_ = dir_.path() + "/" + std::to_string(++tally_.databases);
    std::filesystem::create_directory(database_dir_);
    uri_ = backend_.make_uri(database_dir_) + "?sync=" + sync_;
    // A small LMDB map grows several times per database, so that kills also
    // land in a growth and in the transaction it runs again.
    if (backend_.scheme == "lmdb") uri_ += "&map_size=256KiB";
    resume_.assign(kLanes, 0);
  }

  void violation(const std::string& what) {
    ++tally_.violations;
    ADD_FAILURE() << backend_.scheme << " sync=" << sync_ << ": " << what;
  }

  // Checks the database after `writer` ended, and moves on from where it stands.
  void after(const CrashWriter& writer, const std::string& kill) {
    const int status = writer.status();
    if (status == 0) ++tally_.finished;
    if (status != 0 && status != 128 + SIGKILL) {
      violation("the writer failed (status " + std::to_string(status) + ", " + kill + ")");
    }
    std::vector<LaneOutcome> outcomes;
    for (std::size_t lane = 0; lane < kLanes; ++lane) {
      outcomes.push_back(crashed_after(script_, lane, writer.acknowledged()[lane]));
    }
    const CheckResult result =
        check_invariants_in_child(uri_, script_, outcomes, Promise::acknowledged_survive);
    for (const std::string& problem : result.problems) violation(kill + ": " + problem);
    if (!result.problems.empty()) return fresh_database();
    resume_ = result.recovered;
    bool done = true;
    for (std::size_t lane = 0; lane < kLanes; ++lane) done = done && resume_[lane] == kOpsPerLane;
    if (done) fresh_database();
  }

  const BackendUnderTest& backend_;
  const std::string sync_;
  std::mt19937_64& random_;
  Tally& tally_;
  const Script script_{{.lanes = kLanes, .ops_per_lane = kOpsPerLane, .seed = 11}};
  TempDir dir_;
  std::string database_dir_;
  std::string uri_;
  std::vector<std::size_t> resume_;
};

class ProcessCrash : public ::testing::TestWithParam<BackendUnderTest> {};

TEST_P(ProcessCrash, NoAcknowledgedWriteIsLostInAnySyncMode) {
  const BackendUnderTest& backend = GetParam();
  const std::size_t kills_per_mode = from_environment("SDS_CRASH_KILLS", kKillsPerMode);
  const std::size_t seed = from_environment("SDS_CRASH_SEED", 1);
  std::mt19937_64 random(seed);
  Tally tally;
  const auto started = std::chrono::steady_clock::now();

  for (const char* sync : kSyncModes) {
    CrashLoop loop(backend, sync, random, tally);
    // The points in turn, one run every kRandomKillsPerPointRun random
    // kills; then more runs for each point not reached in this mode (its
    // writers finished the script first), a few at most.
    std::array<bool, core::kKillPoints> reached{};
    std::size_t next_point = 0;
    std::size_t extra_runs_left = 3 * core::kKillPoints;
    const std::size_t kills_before = tally.kills;
    for (std::size_t run = 0;; ++run) {
      std::optional<KillPoint> point;
      if (tally.kills - kills_before < kills_per_mode) {
        loop.random_kill();
        if (run % kRandomKillsPerPointRun == kRandomKillsPerPointRun / 2) {
          point = kAllPoints[next_point++ % kAllPoints.size()];
        }
      } else {
        const auto missing = std::find(reached.begin(), reached.end(), false);
        if (missing == reached.end() || extra_runs_left == 0) break;
        --extra_runs_left;
        point = kAllPoints[static_cast<std::size_t>(missing - reached.begin())];
      }
      if (point && loop.kill_at(*point)) reached[static_cast<std::size_t>(*point)] = true;
    }
  }

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string per_point;
  for (KillPoint point : kAllPoints) {
    per_point += std::string(per_point.empty() ? "" : " ") + core::to_string(point) + "=" +
                 std::to_string(tally.at_point[static_cast<std::size_t>(point)]);
  }
  std::printf(
      "RELIABILITY crash %s: kills=%zu kill_points=%zu violations=%zu (at points: %s; "
      "sync off, normal, full; %zu databases, %zu writers finished before a kill, "
      "seed %zu, %.1f s)\n",
      backend.scheme.c_str(), tally.kills, tally.point_kills, tally.violations, per_point.c_str(),
      tally.databases, tally.finished, seed, seconds);
  std::fflush(stdout);

  EXPECT_EQ(tally.violations, 0u);
  EXPECT_GE(tally.kills, kSyncModes.size() * kills_per_mode);
  for (KillPoint point : kAllPoints) {
    EXPECT_GE(tally.at_point[static_cast<std::size_t>(point)], 1u)
        << "kill point " << core::to_string(point) << " was never reached";
  }
}

// The persistent key-value schemes: the kill points lie in the core's path
// over the kv trait, which a Store-level scheme does not take.
std::vector<BackendUnderTest> crashable_backends() {
  std::vector<BackendUnderTest> out;
  // Not a server scheme: its process crash is the client's, which the
  // conformance suite's SIGKILL test and the failover test cover, and a check
  // after each of 300 kills, over fresh connections, takes too long there.
  for (auto& backend : without_servers(persistent_backends_under_test())) {
    if (backend.key_value) out.push_back(std::move(backend));
  }
  return out;
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ProcessCrash);
INSTANTIATE_TEST_SUITE_P(Backends, ProcessCrash, ::testing::ValuesIn(crashable_backends()),
                         backend_name);

}  // namespace
}  // namespace sds::test::reliability
