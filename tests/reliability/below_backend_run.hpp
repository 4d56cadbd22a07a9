// The procedures of the suites that act below a backend, the same for every
// backend: power loss at sampled points of the scripted workload, and faults
// injected at sampled I/O calls (docs/DESIGN.md section 9.4). Each runs the
// workload of workload.hpp on a fresh database in the SimulatedDisk, and
// judges what is left with check_invariants.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tests/reliability/simulated_disk.hpp"
#include "tests/reliability/workload.hpp"

namespace sds::test::reliability {

struct BelowBackend {
  std::string backend;  // for the report line: "sqlite"
  std::string sync;     // the sync parameter
  // The URI of a fresh database in `dir`, with the sync parameter.
  std::function<std::string(const std::string& dir)> make_uri;
  // What a power loss takes besides unsynced data (SQLite's -shm), or null.
  std::function<void(const std::string& dir)> after_power_off;
};

struct Tally {
  std::size_t runs = 0;  // crash points, or faults that fired
  std::vector<std::string> violations;
  // Of the faults that fired: how many surfaced under each Errc name, and how
  // many the library absorbed ("none": it retried, or ignored a failed
  // checkpoint of its own).
  std::map<std::string, std::size_t> surfaced;
};

// What of the unsynced changes reached the disk before the power went.
enum class Writeback : std::uint8_t {
  none,  // nothing: what was not synced is lost
  some,  // a random part of each file's changes, each whole, in order
};

// Runs the workload once without a crash (the power goes off after a clean
// close: every write must survive in every mode) and then with the power off
// after `crash_points` changes sampled over the whole run. Under `promise`,
// each run's database must keep it.
Tally power_loss(const BelowBackend& target, const Script& script, std::size_t crash_points,
                 Promise promise, Writeback writeback = Writeback::none);

// Runs the whole workload and flush()es; the power goes off before the
// close. Every operation must survive, in every mode (docs/DESIGN.md
// section 9.1).
Tally power_loss_after_flush(const BelowBackend& target, const Script& script);

// The fault of each run, and what it must surface as.
struct InjectedFault {
  IoCall call;
  Fault fault;
};

// For each fault, runs the workload with the n-th such call failing once, for
// up to `per_fault` values of n sampled over the calls of a whole run. The
// first error ends the workload; it must be the fault's code (Errc::full for
// "no space", Errc::io_error for an I/O error). Then the database must reopen
// keeping every promise (an operation that failed on a read or a write left
// no trace; one whose sync failed is there or not) and take a checkpoint on
// every lane.
Tally backend_faults(const BelowBackend& target, const Script& script,
                     const std::vector<InjectedFault>& faults, std::size_t per_fault);

// A database on a file system that really fills up (a small tmpfs): the
// workload runs until a write fails, which must be Errc::full. While the disk
// is full, an open must succeed or be Errc::full too; once `make_room` gave
// space back, the database must keep every promise and take a checkpoint.
// Returns the tally (runs: 1 when the disk filled).
Tally full_disk(const BelowBackend& target, const Script& script, const std::string& dir,
                const std::function<void()>& make_room);

// full_disk() on a 2 MiB tmpfs; where the machine refuses to mount one, says
// so and injects ENOSPC from the fault layer instead (backend_faults). Prints
// "RELIABILITY backend-faults <backend> full-disk: ..." with which was used.
Tally really_full_disk(const BelowBackend& target);

// The report line of a suite, on stdout, e.g.
// "RELIABILITY power-loss sqlite full: crash_points=120 violations=0".
void report(const std::string& suite, const std::string& what, const std::string& counted,
            const Tally& tally, const std::string& note = {});

}  // namespace sds::test::reliability
