#include "bench_registration.hpp"

#include <atomic>
#include <exception>

namespace sds::bench {
namespace {

std::atomic<int> failures{0};

// Runs `body`; an exception becomes the benchmark's error, and a failure.
void guarded(benchmark::State& state, const std::function<void(benchmark::State&)>& body) {
  try {
    body(state);
  } catch (const std::exception& error) {
    ++failures;
    state.SkipWithError(error.what());
  }
}

}  // namespace

void set_counters(benchmark::State& state, const workloads::Figures& figures) {
  state.counters["ops/s"] =
      benchmark::Counter(static_cast<double>(figures.ops), benchmark::Counter::kIsRate);
  state.counters["MB/s"] =
      benchmark::Counter(static_cast<double>(figures.bytes) / 1e6, benchmark::Counter::kIsRate);
  if (figures.bytes_on_disk) {
    state.counters["bytes_on_disk"] = static_cast<double>(*figures.bytes_on_disk);
  }
  // Flash wear: device bytes per payload byte, and syncs per 1,000 operations.
  if (figures.io && figures.bytes > 0 && figures.ops > 0) {
    state.counters["write_amplification"] =
        static_cast<double>(figures.io->device_write_bytes) / static_cast<double>(figures.bytes);
    if (figures.io->syncs) {
      state.counters["syncs_per_1000"] =
          static_cast<double>(*figures.io->syncs) * 1000 / static_cast<double>(figures.ops);
    }
  }
}

void register_workload(const std::string& name, int runs, WorkloadMaker make) {
  const auto run = [make = std::move(make)](benchmark::State& state) {
    guarded(state, [&](benchmark::State& state) {
      const std::unique_ptr<workloads::Workload> workload = make();
      workloads::Figures total;
      for (auto _ : state) {
        const workloads::Figures figures = workload->run();
        state.SetIterationTime(figures.seconds);
        total.ops += figures.ops;
        total.bytes += figures.bytes;
        total.bytes_on_disk = figures.bytes_on_disk;
        if (figures.io) {
          if (total.io) {
            *total.io += *figures.io;
          } else {
            total.io = figures.io;
          }
        }
      }
      set_counters(state, total);
    });
  };
  benchmark::RegisterBenchmark(name.c_str(), run)
      ->Iterations(runs)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
}

void register_measurement(const std::string& name, std::function<void(benchmark::State&)> measure) {
  const auto run = [measure = std::move(measure)](benchmark::State& state) {
    guarded(state, measure);
  };
  benchmark::RegisterBenchmark(name.c_str(), run)
      ->Iterations(1)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
}

int failed_benchmarks() { return failures; }

}  // namespace sds::bench
