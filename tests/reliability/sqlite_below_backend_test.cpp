// Power loss and injected faults below the sqlite: backend, through a VFS shim
// registered as SQLite's default (docs/DESIGN.md section 9.4).
#include <gtest/gtest.h>

#include "tests/reliability/below_backend_checks.hpp"
#include "tests/reliability/sqlite_vfs_shim.hpp"

namespace sds::test::reliability {
namespace {

BelowBackend sqlite(const std::string& sync) {
  return {"sqlite", sync,
          [sync](const std::string& dir) { return "sqlite:" + dir + "/test.db?sync=" + sync; },
          [](const std::string& dir) { remove_sqlite_shared_memory(dir + "/test.db"); }};
}

// Two lanes of 60 operations: about 2,000 changes under sync=full.
const BelowBackendSuite kSqlite{
    .target = sqlite,
    .power_loss_shape = {.lanes = 2, .ops_per_lane = 60, .seed = 11},
    .crash_points = 60,
    .fault_shape = {.lanes = 1, .ops_per_lane = 40, .seed = 12},
    .faults_per_kind = 20,
};

class SqliteBelowBackend : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { install_sqlite_vfs_shim(); }
};

TEST_F(SqliteBelowBackend, PowerLossUnderSyncFullLosesNoAcknowledgedWrite) {
  expect_power_loss_keeps(kSqlite, "full", Promise::acknowledged_survive);
}

TEST_F(SqliteBelowBackend, PowerLossUnderSyncNormalKeepsAPrefix) {
  expect_power_loss_keeps(kSqlite, "normal", Promise::prefix_only);
}

TEST_F(SqliteBelowBackend, PowerLossUnderSyncNormalDoesLoseAcknowledgedWrites) {
  // Commits reach the WAL without a sync under sync=normal.
  expect_power_loss_under_sync_normal_loses_acknowledged_writes(kSqlite);
}

TEST_F(SqliteBelowBackend, PowerLossUnderSyncOffKeepsWhatACloseMadeDurable) {
  // Nothing is synced before the clean close, so a power loss before it may
  // take everything; the database must still open.
  expect_power_loss_keeps(kSqlite, "off", Promise::prefix_only);
}

TEST_F(SqliteBelowBackend, PowerLossAfterAFlushUnderSyncOffLosesNothing) {
  expect_power_loss_after_a_flush_loses_nothing(kSqlite);
}

// The operating system wrote back part of what was not synced yet: a random
// subset of the unsynced writes survives, each whole and in order.
TEST_F(SqliteBelowBackend, PowerLossWithPartialWritebackUnderSyncFullLosesNoAcknowledgedWrite) {
  expect_power_loss_keeps(kSqlite, "full", Promise::acknowledged_survive, Writeback::some);
}

TEST_F(SqliteBelowBackend, PowerLossWithPartialWritebackUnderSyncNormalKeepsAPrefix) {
  expect_power_loss_keeps(kSqlite, "normal", Promise::prefix_only, Writeback::some);
}

TEST_F(SqliteBelowBackend, FaultsSurfaceAsTheirCodesAndLeaveARecoverableDatabase) {
  expect_faults_surface_as_their_codes(kSqlite);
}

TEST_F(SqliteBelowBackend, AReallyFullDiskIsFullAndRecovers) {
  expect_a_really_full_disk_recovers(kSqlite);
}

}  // namespace
}  // namespace sds::test::reliability
