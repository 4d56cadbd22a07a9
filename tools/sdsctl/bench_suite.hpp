// The workloads of `sdsctl bench`: the standard ones of benchmarks/workloads,
// each measured on a target for a budget of time.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "figures.hpp"
#include "target.hpp"
#include "workloads.hpp"

namespace sdsctl::bench {

using sds::workloads::Target;

// What the comparison table shows of a workload. Rates: higher is better;
// times and sizes: lower is better.
enum class Unit { ops_per_second, megabytes_per_second, milliseconds, bytes };

// One workload measured on one target.
struct Measurement {
  enum class Status { measured, skipped, failed };
  Status status = Status::measured;
  std::string message;  // why it was skipped, or the error
  int runs = 0;
  // Summed over the runs, bytes_on_disk after the last.
  sds::workloads::Figures total;
  // The steady state only: restore time and bytes on disk per cycle.
  std::vector<sds::workloads::CycleFigures> cycles;
};

struct Workload {
  std::string name;
  std::string description;
  Unit unit;
  bool needs_disk = false;      // skipped on memory:
  bool reports_cycles = false;  // the steady state: Measurement::cycles
  // Measures on `target` for about `seconds` of measured time; throws on
  // failure. Setup is not measured, so a run takes longer than that.
  std::function<Measurement(const Target& target, double seconds)> measure;
};

// Every workload, in the order of the table.
const std::vector<Workload>& standard_workloads();

// The number of checkpoint cycles of the steady state for a budget of
// `seconds`: 1,000 per second, at least 20.
int steady_state_cycles(double seconds);

}  // namespace sdsctl::bench
