// Registering workloads as Google Benchmark benchmarks at run time.
#pragma once

#include <benchmark/benchmark.h>

#include <functional>
#include <memory>
#include <string>

#include "workloads.hpp"

namespace sds::bench {

using WorkloadMaker = std::function<std::unique_ptr<workloads::Workload>()>;

// Registers `name`: makes the workload once (untimed), then measures `runs`
// runs, each timed by the workload itself (manual time). Counters: ops/s and
// MB/s over the measured time, bytes_on_disk after the last run (where the
// database is on disk).
void register_workload(const std::string& name, int runs, WorkloadMaker make);

// Registers `name` as one iteration of `measure`, which sets the iteration's
// time and its own counters (for workloads that report more than one figure).
void register_measurement(const std::string& name, std::function<void(benchmark::State&)> measure);

// Sets the rate counters of `figures` (ops/s, MB/s) and its bytes_on_disk.
void set_counters(benchmark::State& state, const workloads::Figures& figures);

// How many registered benchmarks failed so far; each failure is also shown as
// the benchmark's error.
int failed_benchmarks();

}  // namespace sds::bench
