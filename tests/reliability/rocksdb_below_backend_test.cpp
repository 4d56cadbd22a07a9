// Power loss and injected faults below the rocksdb: backend, through a
// FileSystemWrapper under its Env (docs/DESIGN.md section 9.4).
#include <gtest/gtest.h>

#include "tests/reliability/below_backend_checks.hpp"
#include "tests/reliability/rocksdb_fault_fs.hpp"

namespace sds::test::reliability {
namespace {

BelowBackend rocksdb(const std::string& sync) {
  return {"rocksdb", sync,
          [sync](const std::string& dir) { return "rocksdb:" + dir + "/db?sync=" + sync; },
          nullptr};
}

const BelowBackendSuite kRocksdb{
    .target = rocksdb,
    .power_loss_shape = {.lanes = 2, .ops_per_lane = 60, .seed = 21},
    .crash_points = 40,
    .fault_shape = {.lanes = 1, .ops_per_lane = 40, .seed = 22},
    .faults_per_kind = 15,
};

class RocksdbBelowBackend : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { install_rocksdb_fault_fs(); }
};

TEST_F(RocksdbBelowBackend, PowerLossUnderSyncFullLosesNoAcknowledgedWrite) {
  expect_power_loss_keeps(kRocksdb, "full", Promise::acknowledged_survive);
}

TEST_F(RocksdbBelowBackend, PowerLossUnderSyncNormalKeepsAPrefix) {
  expect_power_loss_keeps(kRocksdb, "normal", Promise::prefix_only);
}

TEST_F(RocksdbBelowBackend, PowerLossUnderSyncNormalDoesLoseAcknowledgedWrites) {
  // Commits reach the WAL without a sync under sync=normal.
  expect_power_loss_under_sync_normal_loses_acknowledged_writes(kRocksdb);
}

TEST_F(RocksdbBelowBackend, PowerLossUnderSyncOffKeepsAPrefix) {
  // sync=off is sync=normal on RocksDB (docs/DESIGN.md section 9.2).
  expect_power_loss_keeps(kRocksdb, "off", Promise::prefix_only);
}

TEST_F(RocksdbBelowBackend, PowerLossAfterAFlushUnderSyncOffLosesNothing) {
  expect_power_loss_after_a_flush_loses_nothing(kRocksdb);
}

// The operating system wrote back part of what was not synced yet: a random
// subset of the unsynced writes survives, each whole and in order.
TEST_F(RocksdbBelowBackend, PowerLossWithPartialWritebackUnderSyncFullLosesNoAcknowledgedWrite) {
  expect_power_loss_keeps(kRocksdb, "full", Promise::acknowledged_survive, Writeback::some);
}

TEST_F(RocksdbBelowBackend, PowerLossWithPartialWritebackUnderSyncNormalKeepsAPrefix) {
  expect_power_loss_keeps(kRocksdb, "normal", Promise::prefix_only, Writeback::some);
}

TEST_F(RocksdbBelowBackend, FaultsSurfaceAsTheirCodesAndLeaveARecoverableDatabase) {
  expect_faults_surface_as_their_codes(kRocksdb);
}

TEST_F(RocksdbBelowBackend, AReallyFullDiskIsFullAndRecovers) {
  expect_a_really_full_disk_recovers(kRocksdb);
}

}  // namespace
}  // namespace sds::test::reliability
