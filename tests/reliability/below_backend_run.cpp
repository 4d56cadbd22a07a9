#include "tests/reliability/below_backend_run.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <random>

#include "tests/conformance/test_support.hpp"
#include "tests/reliability/small_tmpfs.hpp"

namespace sds::test::reliability {
namespace {

// A clock above every clock of the script: the checkpoint after a fault.
constexpr Clock kClockAfterScript = Clock{1} << 40;

struct LanesRun {
  std::vector<LaneOutcome> outcomes;
  std::optional<Error> error;       // the first error; the run stopped there
  std::optional<std::size_t> lane;  // the lane of the operation that threw
};

// Runs the lanes' operations round robin on `uri`, one at a time, until all
// are done, one throws (its fate is set to unknown), or `stop()` says so after
// an operation; then `at_end`, if any, when all are done. Everything is
// closed on return.
LanesRun run_lanes(const std::string& uri, const Script& script, const std::function<bool()>& stop,
                   const std::function<void(Database&)>& at_end = nullptr) {
  const std::size_t lanes = script.shape().lanes;
  LanesRun run;
  run.outcomes.resize(lanes);
  try {
    auto database = open_database(uri);
    std::vector<std::unique_ptr<Store>> stores;
    for (std::size_t lane = 0; lane < lanes; ++lane) {
      stores.push_back(database->store(lane_store_id(lane)));
    }
    for (std::size_t i = 0; i < script.shape().ops_per_lane; ++i) {
      for (std::size_t lane = 0; lane < lanes; ++lane) {
        run.lane = lane;
        run.outcomes[lane].push_back(OpFate::unknown);
        apply(*stores[lane], script, lane, script.lane(lane)[i]);
        run.outcomes[lane].back() = OpFate::acknowledged;
        run.lane.reset();
        if (stop()) return run;
      }
    }
    if (at_end) at_end(*database);
  } catch (const Error& error) {
    run.error = error;
  }
  return run;
}

std::string canonical_dir(const TempDir& dir) {
  return std::filesystem::canonical(dir.path()).string();
}

// The crash points: `count` changes spread over 1..total, each drawn at random
// within its share, so that repeated runs cover the whole workload.
std::vector<std::uint64_t> sample(std::uint64_t total, std::size_t count, std::uint64_t seed) {
  std::vector<std::uint64_t> points;
  if (total == 0) return points;
  std::mt19937_64 random(seed);
  count = static_cast<std::size_t>(std::min<std::uint64_t>(count, total));
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t from = 1 + i * total / count;
    const std::uint64_t to = (i + 1) * total / count;
    points.push_back(from + random() % (to - from + 1));
  }
  return points;
}

void add(Tally& tally, const std::string& context, const std::vector<std::string>& problems) {
  for (const std::string& problem : problems) tally.violations.push_back(context + ": " + problem);
}

// One run with the power off after `crash_after` changes (0: after the clean
// close); returns how many changes the run made.
// `existing`: the database was created, and closed cleanly, before the
// recording began; otherwise the run creates it.
std::uint64_t crash_once(const BelowBackend& target, const Script& script,
                         std::uint64_t crash_after, Promise promise, Writeback writeback,
                         bool existing, Tally& tally) {
  TempDir temp;
  const std::string dir = canonical_dir(temp);
  const std::string uri = target.make_uri(dir);
  if (existing) open_database(uri)->close();
  auto& disk = SimulatedDisk::instance();
  disk.start_recording(dir, crash_after);
  const LanesRun run = run_lanes(uri, script, [&] { return disk.crashed(); });
  const std::uint64_t changes = disk.changes();
  const bool crashed = disk.crashed();
  disk.power_off(writeback == Writeback::some
                     ? std::optional<std::uint64_t>(script.shape().seed + crash_after)
                     : std::nullopt);
  if (target.after_power_off) target.after_power_off(dir);
  const std::string context = "power off after change " + std::to_string(crash_after) +
                              (existing ? " of a database created before" : "");
  if (run.error && !crashed) add(tally, context, {std::string("failed: ") + run.error->what()});
  add(tally, context, check_invariants(uri, script, run.outcomes, promise));
  ++tally.runs;
  return changes;
}

Errc expected_code(Fault fault) { return fault == Fault::no_space ? Errc::full : Errc::io_error; }

// After a fault, the next checkpoint of every lane succeeds.
void check_checkpoint(const std::string& uri, const Script& script, const std::string& context,
                      Tally& tally) {
  try {
    auto database = open_database(uri);
    for (std::size_t lane = 0; lane < script.shape().lanes; ++lane) {
      database->store(lane_store_id(lane))
          ->checkpoint(snapshot_bytes(lane, kClockAfterScript), kClockAfterScript);
    }
  } catch (const Error& error) {
    add(tally, context, {std::string("the checkpoint after the fault failed: ") + error.what()});
  }
}

void fault_once(const BelowBackend& target, const Script& script, const InjectedFault& injected,
                std::uint64_t nth, Tally& tally) {
  TempDir temp;
  const std::string dir = canonical_dir(temp);
  const std::string uri = target.make_uri(dir);
  auto& disk = SimulatedDisk::instance();
  disk.inject(dir, injected.call, nth, injected.fault);
  LanesRun run = run_lanes(uri, script, [] { return false; });
  const bool fired = disk.fault_fired();
  disk.stop();
  const std::string context = std::string(to_string(injected.fault)) + " on " +
                              to_string(injected.call) + " " + std::to_string(nth);
  if (!fired) {
    // The run ended before that call (a background thread's timing).
    if (run.error)
      add(tally, context, {std::string("failed without a fault: ") + run.error->what()});
    return;
  }
  ++tally.runs;
  ++tally.surfaced[run.error ? to_string(run.error->code()) : "none"];
  if (run.error) {
    if (run.error->code() != expected_code(injected.fault)) {
      add(tally, context,
          {std::string("surfaced as ") + to_string(run.error->code()) + ", not " +
           to_string(expected_code(injected.fault)) + ": " + run.error->what()});
    }
    // A failed sync may leave the write on the disk: Linux reports a lost
    // page once, and SQLite's or RocksDB's write may already be complete.
    if (run.lane && injected.call != IoCall::sync) {
      run.outcomes[*run.lane].back() = OpFate::failed;
    }
  }
  add(tally, context, check_invariants(uri, script, run.outcomes, Promise::acknowledged_survive));
  check_checkpoint(uri, script, context, tally);
}

}  // namespace

Tally power_loss(const BelowBackend& target, const Script& script, std::size_t crash_points,
                 Promise promise, Writeback writeback) {
  Tally tally;
  // The power goes off only after the clean close: every mode keeps it all.
  const std::uint64_t total =
      crash_once(target, script, 0, Promise::acknowledged_survive, writeback, false, tally);
  // Every other run starts from a database created before: a power loss
  // that strikes a new one may simply leave no file at all.
  bool existing = false;
  for (const std::uint64_t point : sample(total, crash_points, script.shape().seed)) {
    crash_once(target, script, point, promise, writeback, existing, tally);
    existing = !existing;
  }
  return tally;
}

Tally power_loss_after_flush(const BelowBackend& target, const Script& script) {
  Tally tally;
  TempDir temp;
  const std::string dir = canonical_dir(temp);
  const std::string uri = target.make_uri(dir);
  auto& disk = SimulatedDisk::instance();
  disk.start_recording(dir, 0);
  const LanesRun run = run_lanes(
      uri, script, [] { return false; },
      [&](Database& database) {
        database.flush();
        disk.crash_now();
      });
  disk.power_off();
  if (target.after_power_off) target.after_power_off(dir);
  if (run.error) add(tally, "flush", {std::string("failed: ") + run.error->what()});
  add(tally, "power off after flush()",
      check_invariants(uri, script, run.outcomes, Promise::acknowledged_survive));
  ++tally.runs;
  return tally;
}

Tally backend_faults(const BelowBackend& target, const Script& script,
                     const std::vector<InjectedFault>& faults, std::size_t per_fault) {
  Tally tally;
  for (const InjectedFault& injected : faults) {
    // A run without a fault counts the calls.
    std::uint64_t total = 0;
    {
      TempDir temp;
      const std::string dir = canonical_dir(temp);
      auto& disk = SimulatedDisk::instance();
      disk.inject(dir, injected.call, 0, Fault::none);
      const LanesRun run = run_lanes(target.make_uri(dir), script, [] { return false; });
      total = disk.calls(injected.call);
      disk.stop();
      if (run.error) add(tally, "a run without a fault", {run.error->what()});
    }
    for (const std::uint64_t nth : sample(total, per_fault, script.shape().seed + total)) {
      fault_once(target, script, injected, nth, tally);
    }
  }
  return tally;
}

Tally full_disk(const BelowBackend& target, const Script& script, const std::string& dir,
                const std::function<void()>& make_room) {
  Tally tally;
  const std::string uri = target.make_uri(dir);
  LanesRun run = run_lanes(uri, script, [] { return false; });
  if (!run.error) {
    add(tally, "full disk", {"the workload ended without filling the disk"});
    return tally;
  }
  ++tally.runs;
  ++tally.surfaced[to_string(run.error->code())];
  if (run.error->code() != Errc::full) {
    add(tally, "full disk",
        {std::string("surfaced as ") + to_string(run.error->code()) + ": " + run.error->what()});
  }
  if (run.lane) run.outcomes[*run.lane].back() = OpFate::failed;
  // While the disk is full, an open succeeds or is full too (RocksDB's
  // recovery writes the WAL it replays into a table file).
  try {
    open_database(uri);
    ++tally.surfaced["reopened while full"];
  } catch (const Error& error) {
    if (error.code() != Errc::full) {
      add(tally, "full disk", {std::string("the reopen while full failed: ") + error.what()});
    }
    ++tally.surfaced["reopen while full: full"];
  }
  make_room();
  add(tally, "full disk",
      check_invariants(uri, script, run.outcomes, Promise::acknowledged_survive));
  check_checkpoint(uri, script, "full disk", tally);
  return tally;
}

Tally really_full_disk(const BelowBackend& target) {
  constexpr std::size_t kTmpfsMebibytes = 2;
  // Appends of large patches, far more than fit.
  const Script filling(
      {.lanes = 1, .ops_per_lane = 3000, .large_patch_every = 1, .seed = 31, .appends_only = true});
  SmallTmpfs tmpfs(kTmpfsMebibytes);
  if (!tmpfs.mounted()) {
    const Tally tally = backend_faults(target, Script({.lanes = 1, .ops_per_lane = 40, .seed = 32}),
                                       {{IoCall::write, Fault::no_space}}, 10);
    report("backend-faults", target.backend + " full-disk", "faults", tally,
           "no tmpfs (" + tmpfs.refusal() + "): ENOSPC from the fault layer");
    return tally;
  }
  const Tally tally = full_disk(target, filling, tmpfs.path(), [&] { tmpfs.grow(64); });
  report("backend-faults", target.backend + " full-disk", "faults", tally,
         "a " + std::to_string(kTmpfsMebibytes) + " MiB tmpfs");
  return tally;
}

void report(const std::string& suite, const std::string& what, const std::string& counted,
            const Tally& tally, const std::string& note) {
  std::string details = note;
  if (!tally.surfaced.empty()) {
    details += details.empty() ? "surfaced as" : "; surfaced as";
    for (const auto& [code, count] : tally.surfaced) {
      details += " " + code + "=" + std::to_string(count);
    }
  }
  std::printf("RELIABILITY %s %s: %s=%zu violations=%zu%s%s\n", suite.c_str(), what.c_str(),
              counted.c_str(), tally.runs, tally.violations.size(), details.empty() ? "" : " (",
              details.empty() ? "" : (details + ")").c_str());
  for (std::size_t i = 0; i < std::min<std::size_t>(tally.violations.size(), 10); ++i) {
    std::printf("  %s\n", tally.violations[i].c_str());
  }
  std::fflush(stdout);
}

}  // namespace sds::test::reliability
