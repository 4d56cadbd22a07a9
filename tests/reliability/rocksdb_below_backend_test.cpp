// Power loss and injected faults below the rocksdb: backend, through a
// FileSystemWrapper under its Env (docs/DESIGN.md section 9.4).
#include <gtest/gtest.h>

#include "tests/reliability/below_backend_run.hpp"
#include "tests/reliability/rocksdb_fault_fs.hpp"

namespace sds::test::reliability {
namespace {

const ScriptShape kPowerLossShape{.lanes = 2, .ops_per_lane = 60, .seed = 21};
constexpr std::size_t kCrashPoints = 40;
const ScriptShape kFaultShape{.lanes = 1, .ops_per_lane = 40, .seed = 22};
constexpr std::size_t kFaultsPerKind = 15;

BelowBackend rocksdb(const std::string& sync) {
  return {"rocksdb", sync,
          [sync](const std::string& dir) { return "rocksdb:" + dir + "/db?sync=" + sync; },
          nullptr};
}

class RocksdbBelowBackend : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { install_rocksdb_fault_fs(); }
};

TEST_F(RocksdbBelowBackend, PowerLossUnderSyncFullLosesNoAcknowledgedWrite) {
  const Tally tally = power_loss(rocksdb("full"), Script(kPowerLossShape), kCrashPoints,
                                 Promise::acknowledged_survive);
  report("power-loss", "rocksdb full", "crash_points", tally);
  EXPECT_EQ(tally.runs, kCrashPoints + 1);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(RocksdbBelowBackend, PowerLossUnderSyncNormalKeepsAPrefix) {
  const Tally tally =
      power_loss(rocksdb("normal"), Script(kPowerLossShape), kCrashPoints, Promise::prefix_only);
  report("power-loss", "rocksdb normal", "crash_points", tally);
  EXPECT_EQ(tally.runs, kCrashPoints + 1);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(RocksdbBelowBackend, PowerLossUnderSyncNormalDoesLoseAcknowledgedWrites) {
  // Commits reach the WAL without a sync under sync=normal.
  const Tally tally = power_loss(rocksdb("normal"), Script(kPowerLossShape), kCrashPoints / 4,
                                 Promise::acknowledged_survive);
  EXPECT_FALSE(tally.violations.empty());
}

TEST_F(RocksdbBelowBackend, PowerLossUnderSyncOffKeepsAPrefix) {
  // sync=off is sync=normal on RocksDB (docs/DESIGN.md section 9.2).
  const Tally tally =
      power_loss(rocksdb("off"), Script(kPowerLossShape), kCrashPoints, Promise::prefix_only);
  report("power-loss", "rocksdb off", "crash_points", tally);
  EXPECT_EQ(tally.runs, kCrashPoints + 1);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(RocksdbBelowBackend, PowerLossAfterAFlushUnderSyncOffLosesNothing) {
  const Tally tally = power_loss_after_flush(rocksdb("off"), Script(kPowerLossShape));
  report("power-loss", "rocksdb off+flush", "crash_points", tally);
  EXPECT_EQ(tally.runs, 1u);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

// The operating system wrote back part of what was not synced yet: a random
// subset of the unsynced writes survives, each whole and in order.
TEST_F(RocksdbBelowBackend, PowerLossWithPartialWritebackUnderSyncFullLosesNoAcknowledgedWrite) {
  const Tally tally = power_loss(rocksdb("full"), Script(kPowerLossShape), kCrashPoints / 2,
                                 Promise::acknowledged_survive, Writeback::some);
  report("power-loss", "rocksdb full+writeback", "crash_points", tally);
  EXPECT_EQ(tally.runs, kCrashPoints / 2 + 1);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(RocksdbBelowBackend, PowerLossWithPartialWritebackUnderSyncNormalKeepsAPrefix) {
  const Tally tally = power_loss(rocksdb("normal"), Script(kPowerLossShape), kCrashPoints / 2,
                                 Promise::prefix_only, Writeback::some);
  report("power-loss", "rocksdb normal+writeback", "crash_points", tally);
  EXPECT_EQ(tally.runs, kCrashPoints / 2 + 1);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(RocksdbBelowBackend, FaultsSurfaceAsTheirCodesAndLeaveARecoverableDatabase) {
  const Tally tally = backend_faults(rocksdb("full"), Script(kFaultShape),
                                     {{IoCall::read, Fault::io_error},
                                      {IoCall::write, Fault::io_error},
                                      {IoCall::write, Fault::no_space},
                                      {IoCall::sync, Fault::io_error}},
                                     kFaultsPerKind);
  report("backend-faults", "rocksdb", "faults", tally);
  EXPECT_GE(tally.runs, 3 * kFaultsPerKind);
  EXPECT_GT(tally.surfaced.count("full"), 0u);
  EXPECT_GT(tally.surfaced.count("io_error"), 0u);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

TEST_F(RocksdbBelowBackend, AReallyFullDiskIsFullAndRecovers) {
  const Tally tally = really_full_disk(rocksdb("full"));
  EXPECT_GE(tally.runs, 1u);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

}  // namespace
}  // namespace sds::test::reliability
