// The patch-log pattern on rocksdb: (append, checkpoint at the last clock,
// which range-erases the older patches) repeated; then how long reading the
// log takes after 1 and after 200 such cycles. The reads must not slow down
// as range tombstones pile up (the backend compacts pruned ranges).
//
//   sds_rocksdb_prune_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sds/sds.hpp>
#include <string>

namespace {

constexpr int kPatchesPerCycle = 100;
constexpr std::size_t kPatchBytes = 200;

// Args: cycles, then 0 to read from clock 0 (across every pruned range) or 1
// to read from the snapshot's clock (what a reopening client does).
void BM_LoadPatchesAfterCycles(benchmark::State& state) {
  const auto cycles = static_cast<int>(state.range(0));
  const bool from_snapshot = state.range(1) == 1;
  const char* base = std::getenv("TMPDIR");
  std::string dir = std::string(base && *base ? base : "/tmp") + "/sds-bench-XXXXXX";
  if (!mkdtemp(dir.data())) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  {
    const auto store = sds::open("rocksdb:" + dir + "/db", "doc");
    const sds::Bytes patch(kPatchBytes, 'p');
    const sds::Bytes snapshot(4096, 's');
    sds::Clock clock = 0;
    for (int cycle = 0; cycle < cycles; ++cycle) {
      for (int i = 0; i < kPatchesPerCycle; ++i) store->append_patch(patch, ++clock);
      store->checkpoint(snapshot, clock);
    }
    // Patches since the last checkpoint, as a store holds between two.
    const sds::Clock snapshot_clock = clock;
    for (int i = 0; i < kPatchesPerCycle; ++i) store->append_patch(patch, ++clock);
    const sds::Clock from = from_snapshot ? snapshot_clock : 0;
    std::size_t patches = 0;
    for (auto _ : state) {
      const auto loaded = store->load_patches_since(from);
      patches = loaded.size();
      benchmark::DoNotOptimize(loaded.data());
    }
    state.counters["patches"] = static_cast<double>(patches);
    state.counters["disk_bytes"] = static_cast<double>(store->stats().bytes_on_disk.value_or(0));
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}
BENCHMARK(BM_LoadPatchesAfterCycles)
    ->ArgNames({"cycles", "from_snapshot"})
    ->ArgsProduct({{1, 200}, {0, 1}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
