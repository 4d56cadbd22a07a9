// sds_bench: the standard workloads on every backend of this build, with the
// raw libraries underneath as baselines (README.md in this folder).
//
//   sds_bench                                  the default run, about two minutes
//   SDS_BENCH_SMOKE=1 sds_bench                seconds: proves everything runs
//   sds_bench --benchmark_filter=append_per_call --benchmark_counters_tabular=true
//
// Exits 1 when a benchmark failed (its error is shown in its row), 2 for an
// unknown argument.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>
#include <string_view>

#include "bench_plan.hpp"
#include "bench_registration.hpp"
#include "raw_subjects.hpp"

namespace {

bool smoke_mode() {
  const char* smoke = std::getenv("SDS_BENCH_SMOKE");
  return smoke && std::string_view(smoke) != "" && std::string_view(smoke) != "0";
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  sds::baselines::register_raw_subjects();
  sds::bench::register_benchmarks(smoke_mode() ? sds::bench::smoke_sizes()
                                               : sds::bench::default_sizes());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (const int failed = sds::bench::failed_benchmarks(); failed > 0) {
    std::cerr << "sds_bench: " << failed << " benchmark(s) failed; their errors are shown above\n";
    return 1;
  }
  return 0;
}
