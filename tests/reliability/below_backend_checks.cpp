#include "tests/reliability/below_backend_checks.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sds::test::reliability {

void expect_power_loss_keeps(const BelowBackendSuite& suite, const std::string& sync,
                             Promise promise, Writeback writeback) {
  const bool some = writeback == Writeback::some;
  const std::size_t crash_points = some ? suite.crash_points / 2 : suite.crash_points;
  const BelowBackend target = suite.target(sync);
  const Tally tally =
      power_loss(target, Script(suite.power_loss_shape), crash_points, promise, writeback);
  report("power-loss", target.backend + " " + sync + (some ? "+writeback" : ""), "crash_points",
         tally);
  EXPECT_EQ(tally.runs, crash_points + 1);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

void expect_power_loss_under_sync_normal_loses_acknowledged_writes(const BelowBackendSuite& suite) {
  const Tally tally = power_loss(suite.target("normal"), Script(suite.power_loss_shape),
                                 suite.crash_points / 4, Promise::acknowledged_survive);
  EXPECT_FALSE(tally.violations.empty());
}

void expect_power_loss_after_a_flush_loses_nothing(const BelowBackendSuite& suite) {
  const BelowBackend target = suite.target("off");
  const Tally tally = power_loss_after_flush(target, Script(suite.power_loss_shape));
  report("power-loss", target.backend + " off+flush", "crash_points", tally);
  EXPECT_EQ(tally.runs, 1u);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

void expect_faults_surface_as_their_codes(const BelowBackendSuite& suite) {
  const BelowBackend target = suite.target("full");
  const Tally tally = backend_faults(target, Script(suite.fault_shape),
                                     {{IoCall::read, Fault::io_error},
                                      {IoCall::write, Fault::io_error},
                                      {IoCall::write, Fault::no_space},
                                      {IoCall::sync, Fault::io_error}},
                                     suite.faults_per_kind);
  report("backend-faults", target.backend, "faults", tally);
  EXPECT_GE(tally.runs, 3 * suite.faults_per_kind);
  EXPECT_GT(tally.surfaced.count("full"), 0u);
  EXPECT_GT(tally.surfaced.count("io_error"), 0u);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

void expect_a_really_full_disk_recovers(const BelowBackendSuite& suite) {
  const Tally tally = really_full_disk(suite.target("full"));
  EXPECT_GE(tally.runs, 1u);
  EXPECT_EQ(tally.violations, std::vector<std::string>{});
}

}  // namespace sds::test::reliability
