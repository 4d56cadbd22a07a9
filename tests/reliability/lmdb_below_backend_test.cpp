// Power loss and injected faults below the lmdb: backend, through libc calls
// this program interposes (lmdb_io_interposer.hpp; docs/DESIGN.md section 9.4).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/reliability/below_backend_checks.hpp"
#include "tests/reliability/lmdb_io_interposer.hpp"

namespace sds::test::reliability {
namespace {

// The smallest map: the workload makes it grow again and again.
BelowBackend lmdb(const std::string& sync) {
  return {
      "lmdb", sync,
      [sync](const std::string& dir) { return "lmdb:" + dir + "/env?map_size=64KiB&sync=" + sync; },
      nullptr};
}

const BelowBackendSuite kLmdb{
    .target = lmdb,
    .power_loss_shape = {.lanes = 2, .ops_per_lane = 60, .seed = 41},
    .crash_points = 60,
    .fault_shape = {.lanes = 1, .ops_per_lane = 40, .seed = 42},
    .faults_per_kind = 20,
};

class LmdbBelowBackend : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { install_lmdb_io_interposer(); }
};

TEST_F(LmdbBelowBackend, PowerLossUnderSyncFullLosesNoAcknowledgedWrite) {
  expect_power_loss_keeps(kLmdb, "full", Promise::acknowledged_survive);
}

TEST_F(LmdbBelowBackend, PowerLossUnderSyncNormalKeepsAPrefix) {
  expect_power_loss_keeps(kLmdb, "normal", Promise::prefix_only);
}

TEST_F(LmdbBelowBackend, PowerLossUnderSyncNormalDoesLoseAcknowledgedWrites) {
  // The meta page of the last commit is not synced under sync=normal.
  expect_power_loss_under_sync_normal_loses_acknowledged_writes(kLmdb);
}

TEST_F(LmdbBelowBackend, PowerLossUnderSyncOffKeepsWhatACloseMadeDurable) {
  // Nothing is synced before the close, so a power loss before it may take
  // everything; the environment must still open.
  expect_power_loss_keeps(kLmdb, "off", Promise::prefix_only);
}

TEST_F(LmdbBelowBackend, PowerLossAfterAFlushUnderSyncOffLosesNothing) {
  expect_power_loss_after_a_flush_loses_nothing(kLmdb);
}

// The operating system wrote back part of what was not synced yet: a random
// subset of the unsynced writes survives, each whole and in order.
TEST_F(LmdbBelowBackend, PowerLossWithPartialWritebackUnderSyncFullLosesNoAcknowledgedWrite) {
  expect_power_loss_keeps(kLmdb, "full", Promise::acknowledged_survive, Writeback::some);
}

TEST_F(LmdbBelowBackend, PowerLossWithPartialWritebackUnderSyncNormalKeepsAPrefix) {
  expect_power_loss_keeps(kLmdb, "normal", Promise::prefix_only, Writeback::some);
}

TEST_F(LmdbBelowBackend, PowerLossWithPartialWritebackUnderSyncOffIsRefusedNeverACrash) {
  // MDB_NOSYNC: pages reach the disk in any order, so a power loss can damage
  // the environment (docs/DESIGN.md section 9.1 promises no more). Opening or
  // reading it must then be a typed error: a data.mdb cut short used to make
  // reads die of SIGBUS.
  const Tally tally = power_loss(lmdb("off"), Script(kLmdb.power_loss_shape), kLmdb.crash_points,
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
  EXPECT_EQ(tally.runs, kLmdb.crash_points + 1);
  EXPECT_EQ(untyped.violations, std::vector<std::string>{});
}

TEST_F(LmdbBelowBackend, FaultsSurfaceAsTheirCodesAndLeaveARecoverableDatabase) {
  expect_faults_surface_as_their_codes(kLmdb);
}

TEST_F(LmdbBelowBackend, AReallyFullDiskIsFullAndRecovers) {
  expect_a_really_full_disk_recovers(kLmdb);
}

}  // namespace
}  // namespace sds::test::reliability
