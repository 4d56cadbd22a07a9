// Which benchmarks sds_bench registers: every workload on every backend of
// this build, and the raw-library baselines beside them.
#pragma once

#include "bench_sizes.hpp"

namespace sds::bench {

// Registers everything with Google Benchmark. Names are
// WORKLOAD/SCHEME/PARAMS, e.g. "append_per_call/sqlite/sync=normal" and
// "append_per_call/raw-sqlite/sync=normal" for its baseline.
void register_benchmarks(const BenchSizes& sizes);

}  // namespace sds::bench
