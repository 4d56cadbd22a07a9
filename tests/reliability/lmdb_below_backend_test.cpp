// Power loss and injected faults below the lmdb: backend, through libc calls
// this program interposes (lmdb_io_interposer.hpp; docs/DESIGN.md section 9.4).
#include <gtest/gtest.h>

#include "tests/reliability/below_backend_run.hpp"
#include "tests/reliability/lmdb_io_interposer.hpp"

namespace sds::test::reliability {
namespace {

const ScriptShape kPowerLossShape{.lanes = 2, .ops_per_lane = 60, .seed = 41};
constexpr std::size_t kCrashPoints = 60;
const ScriptShape kFaultShape{.lanes = 1, .ops_per_lane = 40, .seed = 42};
constexpr std::size_t kFaultsPerKind = 20;

// The smallest map: the workload makes it grow again and again.
BelowBackend lmdb(const std::string& sync) {
  return {
      "lmdb", sync,
      [sync](const std::string& dir) { return "lmdb:" + dir + "/env?map_size=64KiB&sync=" + sync; },
      nullptr};
}

class LmdbBelowBackend : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { install_lmdb_io_interposer(); }
};

TEST_F(LmdbBelowBackend, PowerLossUnderSyncFullLosesNoAcknowledgedWrite) {
  const Tally tally = power_loss(lmdb("full"), Script(kPowerLossShape), kCrashPoints,
                                 Promise::acknowledged_survive);
  report("power-loss", "lmdb full", "crash_points", tally);
  EXPECT_EQ(tally.runs, kCrashPoints + 1);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(LmdbBelowBackend, PowerLossUnderSyncNormalKeepsAPrefix) {
  const Tally tally =
      power_loss(lmdb("normal"), Script(kPowerLossShape), kCrashPoints, Promise::prefix_only);
  report("power-loss", "lmdb normal", "crash_points", tally);
  EXPECT_EQ(tally.runs, kCrashPoints + 1);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(LmdbBelowBackend, PowerLossUnderSyncNormalDoesLoseAcknowledgedWrites) {
  // The meta page of the last commit is not synced under sync=normal.
  const Tally tally = power_loss(lmdb("normal"), Script(kPowerLossShape), kCrashPoints / 4,
                                 Promise::acknowledged_survive);
  EXPECT_FALSE(tally.violations.empty());
}

TEST_F(LmdbBelowBackend, PowerLossUnderSyncOffKeepsWhatACloseMadeDurable) {
  // Nothing is synced before the close, so a power loss before it may take
  // everything; the environment must still open.
  const Tally tally =
      power_loss(lmdb("off"), Script(kPowerLossShape), kCrashPoints, Promise::prefix_only);
  report("power-loss", "lmdb off", "crash_points", tally);
  EXPECT_EQ(tally.runs, kCrashPoints + 1);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(LmdbBelowBackend, PowerLossAfterAFlushUnderSyncOffLosesNothing) {
  const Tally tally = power_loss_after_flush(lmdb("off"), Script(kPowerLossShape));
  report("power-loss", "lmdb off+flush", "crash_points", tally);
  EXPECT_EQ(tally.runs, 1u);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

// The operating system wrote back part of what was not synced yet: a random
// subset of the unsynced writes survives, each whole and in order.
TEST_F(LmdbBelowBackend, PowerLossWithPartialWritebackUnderSyncFullLosesNoAcknowledgedWrite) {
  const Tally tally = power_loss(lmdb("full"), Script(kPowerLossShape), kCrashPoints / 2,
                                 Promise::acknowledged_survive, Writeback::some);
  report("power-loss", "lmdb full+writeback", "crash_points", tally);
  EXPECT_EQ(tally.runs, kCrashPoints / 2 + 1);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(LmdbBelowBackend, PowerLossWithPartialWritebackUnderSyncNormalKeepsAPrefix) {
  const Tally tally = power_loss(lmdb("normal"), Script(kPowerLossShape), kCrashPoints / 2,
                                 Promise::prefix_only, Writeback::some);
  report("power-loss", "lmdb normal+writeback", "crash_points", tally);
  EXPECT_EQ(tally.runs, kCrashPoints / 2 + 1);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(LmdbBelowBackend, PowerLossWithPartialWritebackUnderSyncOffIsRefusedNeverACrash) {
  // MDB_NOSYNC: pages reach the disk in any order, so a power loss can damage
  // the environment (docs/DESIGN.md section 9.1 promises no more). Opening or
  // reading it must then be a typed error: a data.mdb cut short used to make
  // reads die of SIGBUS.
  const Tally tally = power_loss(lmdb("off"), Script(kPowerLossShape), kCrashPoints,
                                 Promise::prefix_only, Writeback::some);
  Tally untyped;
  untyped.runs = tally.runs;
  for (const std::string& violation : tally.violations) {
    if (violation.find("open failed: ") == std::string::npos &&
        violation.find("read failed: ") == std::string::npos) {
      untyped.violations.push_back(violation);
    }
  }
  report("power-loss", "lmdb off+writeback", "crash_points", untyped,
         std::to_string(tally.violations.size() - untyped.violations.size()) +
             " environments damaged, each refused with an error; sync=off promises no more");
  EXPECT_EQ(tally.runs, kCrashPoints + 1);
  EXPECT_EQ(untyped.violations, std::vector<std::string>{});
}

TEST_F(LmdbBelowBackend, FaultsSurfaceAsTheirCodesAndLeaveARecoverableDatabase) {
  const Tally tally = backend_faults(lmdb("full"), Script(kFaultShape),
                                     {{IoCall::read, Fault::io_error},
                                      {IoCall::write, Fault::io_error},
                                      {IoCall::write, Fault::no_space},
                                      {IoCall::sync, Fault::io_error}},
                                     kFaultsPerKind);
  report("backend-faults", "lmdb", "faults", tally);
  EXPECT_GE(tally.runs, 3 * kFaultsPerKind);
  EXPECT_GT(tally.surfaced.count("full"), 0u);
  EXPECT_GT(tally.surfaced.count("io_error"), 0u);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(LmdbBelowBackend, AReallyFullDiskIsFullAndRecovers) {
  const Tally tally = really_full_disk(lmdb("full"));
  EXPECT_GE(tally.runs, 1u);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

}  // namespace
}  // namespace sds::test::reliability
