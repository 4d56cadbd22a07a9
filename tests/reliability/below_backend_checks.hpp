// The tests that the suites below the backends run alike on each backend
// (docs/DESIGN.md section 9.4), with their assertions and report lines. A
// suite file (sqlite_below_backend_test.cpp...) installs its layer in its
// fixture, gives its backend's figures, and calls one of these per TEST_F, so
// that each test keeps its own name and its reason in that file.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "tests/reliability/below_backend_run.hpp"
#include "tests/reliability/workload.hpp"

namespace sds::test::reliability {

// A backend under test, and the sizes of its runs.
struct BelowBackendSuite {
  // The backend with the given sync mode ("full", "normal", "off").
  std::function<BelowBackend(const std::string& sync)> target;
  ScriptShape power_loss_shape;
  std::size_t crash_points = 0;  // of a power-loss run with nothing written back
  ScriptShape fault_shape;
  std::size_t faults_per_kind = 0;
};

// Power loss under `sync` at the suite's crash points (half as many when part
// of the unsynced writes reaches the disk, Writeback::some): every run keeps
// `promise`. Reports "power-loss <backend> <sync>[+writeback]".
void expect_power_loss_keeps(const BelowBackendSuite& suite, const std::string& sync,
                             Promise promise, Writeback writeback = Writeback::none);

// Power loss under sync=normal at a quarter of the crash points does lose an
// acknowledged write: what tells the modes apart, and shows that the layer
// below drops what was not synced.
void expect_power_loss_under_sync_normal_loses_acknowledged_writes(const BelowBackendSuite& suite);

// Power loss after a flush() under sync=off loses nothing.
// Reports "power-loss <backend> off+flush".
void expect_power_loss_after_a_flush_loses_nothing(const BelowBackendSuite& suite);

// Read and write errors, a full disk and a failed sync, each injected at
// sampled calls under sync=full: each surfaces as its code (full, io_error)
// and leaves a database that keeps every promise. Reports
// "backend-faults <backend>".
void expect_faults_surface_as_their_codes(const BelowBackendSuite& suite);

// A disk that really fills up, under sync=full (really_full_disk).
void expect_a_really_full_disk_recovers(const BelowBackendSuite& suite);

}  // namespace sds::test::reliability
