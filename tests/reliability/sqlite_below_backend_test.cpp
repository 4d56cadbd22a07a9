// Power loss and injected faults below the sqlite: backend, through a VFS shim
// registered as SQLite's default (docs/DESIGN.md section 9.4).
#include <gtest/gtest.h>

#include "tests/reliability/below_backend_run.hpp"
#include "tests/reliability/sqlite_vfs_shim.hpp"

namespace sds::test::reliability {
namespace {

// Two lanes of 60 operations: about 2,000 changes under sync=full.
const ScriptShape kPowerLossShape{.lanes = 2, .ops_per_lane = 60, .seed = 11};
constexpr std::size_t kCrashPoints = 60;
const ScriptShape kFaultShape{.lanes = 1, .ops_per_lane = 40, .seed = 12};
constexpr std::size_t kFaultsPerKind = 20;

BelowBackend sqlite(const std::string& sync) {
  return {"sqlite", sync,
          [sync](const std::string& dir) { return "sqlite:" + dir + "/test.db?sync=" + sync; },
          [](const std::string& dir) { remove_sqlite_shared_memory(dir + "/test.db"); }};
}

class SqliteBelowBackend : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { install_sqlite_vfs_shim(); }
};

TEST_F(SqliteBelowBackend, PowerLossUnderSyncFullLosesNoAcknowledgedWrite) {
  const Tally tally = power_loss(sqlite("full"), Script(kPowerLossShape), kCrashPoints,
                                 Promise::acknowledged_survive);
  report("power-loss", "sqlite full", "crash_points", tally);
  EXPECT_EQ(tally.runs, kCrashPoints + 1);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(SqliteBelowBackend, PowerLossUnderSyncNormalKeepsAPrefix) {
  const Tally tally =
      power_loss(sqlite("normal"), Script(kPowerLossShape), kCrashPoints, Promise::prefix_only);
  report("power-loss", "sqlite normal", "crash_points", tally);
  EXPECT_EQ(tally.runs, kCrashPoints + 1);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(SqliteBelowBackend, PowerLossUnderSyncNormalDoesLoseAcknowledgedWrites) {
  // What tells the modes apart, and shows that the shim drops what was not
  // synced: commits reach the WAL without a sync under sync=normal.
  const Tally tally = power_loss(sqlite("normal"), Script(kPowerLossShape), kCrashPoints / 4,
                                 Promise::acknowledged_survive);
  EXPECT_FALSE(tally.violations.empty());
}

TEST_F(SqliteBelowBackend, PowerLossUnderSyncOffKeepsWhatACloseMadeDurable) {
  // Nothing is synced before the clean close, so a power loss before it may
  // take everything; the database must still open.
  const Tally tally =
      power_loss(sqlite("off"), Script(kPowerLossShape), kCrashPoints, Promise::prefix_only);
  report("power-loss", "sqlite off", "crash_points", tally);
  EXPECT_EQ(tally.runs, kCrashPoints + 1);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(SqliteBelowBackend, PowerLossAfterAFlushUnderSyncOffLosesNothing) {
  const Tally tally = power_loss_after_flush(sqlite("off"), Script(kPowerLossShape));
  report("power-loss", "sqlite off+flush", "crash_points", tally);
  EXPECT_EQ(tally.runs, 1u);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

// The operating system wrote back part of what was not synced yet: a random
// subset of the unsynced writes survives, each whole and in order.
TEST_F(SqliteBelowBackend, PowerLossWithPartialWritebackUnderSyncFullLosesNoAcknowledgedWrite) {
  const Tally tally = power_loss(sqlite("full"), Script(kPowerLossShape), kCrashPoints / 2,
                                 Promise::acknowledged_survive, Writeback::some);
  report("power-loss", "sqlite full+writeback", "crash_points", tally);
  EXPECT_EQ(tally.runs, kCrashPoints / 2 + 1);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(SqliteBelowBackend, PowerLossWithPartialWritebackUnderSyncNormalKeepsAPrefix) {
  const Tally tally = power_loss(sqlite("normal"), Script(kPowerLossShape), kCrashPoints / 2,
                                 Promise::prefix_only, Writeback::some);
  report("power-loss", "sqlite normal+writeback", "crash_points", tally);
  EXPECT_EQ(tally.runs, kCrashPoints / 2 + 1);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(SqliteBelowBackend, FaultsSurfaceAsTheirCodesAndLeaveARecoverableDatabase) {
  const Tally tally = backend_faults(sqlite("full"), Script(kFaultShape),
                                     {{IoCall::read, Fault::io_error},
                                      {IoCall::write, Fault::io_error},
                                      {IoCall::write, Fault::no_space},
                                      {IoCall::sync, Fault::io_error}},
                                     kFaultsPerKind);
  report("backend-faults", "sqlite", "faults", tally);
  EXPECT_GE(tally.runs, 3 * kFaultsPerKind);
  EXPECT_GT(tally.surfaced.count("full"), 0u);
  EXPECT_GT(tally.surfaced.count("io_error"), 0u);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(SqliteBelowBackend, AReallyFullDiskIsFullAndRecovers) {
  const Tally tally = really_full_disk(sqlite("full"));
  EXPECT_GE(tally.runs, 1u);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

}  // namespace
}  // namespace sds::test::reliability
