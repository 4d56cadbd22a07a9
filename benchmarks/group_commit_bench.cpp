// Group commit from 1 and from 8 threads: per-call appends of 200 B to one
// store, on every compiled backend and sync mode. Besides the rate it counts
// what the process spent per append: CPU time (user + system, all threads)
// and context switches (voluntary + involuntary), from getrusage(). Those two
// hardly depend on what else the machine runs, so they compare builds on a
// busy machine where the rates alone are noise (docs/DESIGN.md section 3.7).
//
//   sds_group_commit_bench --benchmark_counters_tabular=true
//   sds_group_commit_bench --benchmark_filter='sqlite/normal'
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <latch>
#include <sds/sds.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr std::size_t kPatchBytes = 200;
// Appends per run, shared by the threads; where every commit syncs (sync=full,
// and LMDB at sync=normal) fewer do.
constexpr int kAppends = 4000;
constexpr int kSyncedAppends = 400;
constexpr int kRuns = 5;

struct Usage {
  double cpu_seconds = 0;
  long context_switches = 0;
};

Usage usage_now() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return {seconds(usage.ru_utime) + seconds(usage.ru_stime), usage.ru_nvcsw + usage.ru_nivcsw};
}

std::string temporary_directory() {
  const char* base = std::getenv("TMPDIR");
  std::string dir = std::string(base && *base ? base : "/tmp") + "/sds-bench-XXXXXX";
  if (!mkdtemp(dir.data())) return {};
  return dir;
}

void BM_Append(benchmark::State& state, const std::string& scheme, const std::string& sync,
               int threads) {
  const std::string dir = temporary_directory();
  if (dir.empty()) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  const std::string path =
      scheme == "memory" ? std::filesystem::path(dir).filename().string() : dir + "/db";
  const bool syncs = sync == "full" || (scheme == "lmdb" && sync == "normal");
  const int appends = syncs ? kSyncedAppends : kAppends;
  const sds::Bytes patch(kPatchBytes, 'p');
  Usage spent;
  {
    const auto store = sds::open(scheme + ":" + path + "?sync=" + sync, "bench");
    sds::Clock next = 1;
    for (auto _ : state) {
      std::latch start(threads + 1);
      std::vector<std::jthread> writers;
      for (int share = 0; share < threads; ++share) {
        writers.emplace_back([&, share] {
          start.arrive_and_wait();
          for (int i = share; i < appends; i += threads) store->append_patch(patch, next + i);
        });
      }
      start.arrive_and_wait();
      const Usage before = usage_now();
      const auto started = std::chrono::steady_clock::now();
      writers.clear();  // joins
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
      const Usage after = usage_now();
      state.SetIterationTime(took.count());
      spent.cpu_seconds += after.cpu_seconds - before.cpu_seconds;
      spent.context_switches += after.context_switches - before.context_switches;
      next += appends;
    }
  }
  std::filesystem::remove_all(dir);
  const double total = static_cast<double>(appends) * static_cast<double>(state.iterations());
  state.counters["ops/s"] = benchmark::Counter(total, benchmark::Counter::kIsRate);
  state.counters["cpu_us/op"] = spent.cpu_seconds * 1e6 / total;
  state.counters["csw/op"] = static_cast<double>(spent.context_switches) / total;
}

}  // namespace

int main(int argc, char** argv) {
  for (const std::string& scheme : sds::backends()) {
    const std::vector<std::string> syncs = scheme == "memory"
                                               ? std::vector<std::string>{"normal"}
                                               : std::vector<std::string>{"off", "normal", "full"};
    for (const std::string& sync : syncs) {
      for (const int threads : {1, 8}) {
        const std::string name = scheme + "/" + sync + "/threads:" + std::to_string(threads);
        benchmark::RegisterBenchmark(name.c_str(), BM_Append, scheme, sync, threads)
            ->UseManualTime()
            ->Iterations(kRuns)
            ->Unit(benchmark::kMillisecond);
      }
    }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
