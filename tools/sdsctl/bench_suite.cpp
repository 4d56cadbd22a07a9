#include "tools/sdsctl/bench_suite.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string_view>

#include "stopwatch.hpp"

namespace sdsctl::bench {
namespace {

namespace wl = sds::workloads;
using wl::kMiB;
using Maker = std::function<std::unique_ptr<wl::Workload>()>;

constexpr std::size_t kPatchBytes = 200;
constexpr std::size_t kBatch = 100;
constexpr int kThreads = 8;
constexpr int kBlobsPerRun = 4;
constexpr std::uint64_t kRestorePatches = 2621;  // 512 KiB: a checkpoint's worth

std::optional<std::string> param(const Target& target, std::string_view key) {
  std::string_view params = target.params;
  while (!params.empty()) {
    const std::string_view item = params.substr(0, params.find('&'));
    if (item.size() > key.size() && item.starts_with(key) && item[key.size()] == '=') {
      return std::string(item.substr(key.size() + 1));
    }
    params.remove_prefix(std::min(params.size(), item.size() + 1));
  }
  return std::nullopt;
}

// Where every commit waits for the disk (sync=full, LMDB at sync=normal), a
// run appends far fewer patches, or one run would outlast the budget.
bool every_commit_syncs(const Target& target) {
  const std::string sync = param(target, "sync").value_or("normal");
  return sync == "full" || (target.scheme == "lmdb" && sync != "off");
}

// Makes the workload (not measured), then runs it until `seconds` of
// measured time, or twice that of wall time, have passed: at least once.
Measurement repeat(const Maker& make, double seconds) {
  const std::unique_ptr<wl::Workload> workload = make();
  const wl::Stopwatch wall;
  Measurement measurement;
  do {
    const wl::Figures figures = workload->run();
    measurement.total.seconds += figures.seconds;
    measurement.total.ops += figures.ops;
    measurement.total.bytes += figures.bytes;
    measurement.total.bytes_on_disk = figures.bytes_on_disk;
    ++measurement.runs;
  } while (measurement.total.seconds < seconds && wall.seconds() < 2 * seconds);
  return measurement;
}

Workload append(std::string name, std::string description, std::size_t batch, int threads,
                bool durable) {
  return {std::move(name),
          std::move(description),
          Unit::ops_per_second,
          durable,
          false,
          [=](const Target& given, double seconds) {
            const Target target = durable ? given.with_param("sync", "full") : given;
            const std::uint64_t per_thread = every_commit_syncs(target) ? 10 : 250;
            const wl::AppendOptions options{
                .patches_per_run = batch > 1 ? 10 * batch : per_thread * threads,
                .patch_bytes = kPatchBytes,
                .batch = batch,
                .threads = threads};
            return repeat([&] { return wl::make_append(target, options); }, seconds);
          }};
}

Workload restore(std::string name, std::string description, bool cold) {
  return {std::move(name),
          std::move(description),
          Unit::milliseconds,
          cold,
          false,
          [=](const Target& target, double seconds) {
            const wl::RestoreOptions options{.snapshot_bytes = kMiB,
                                             .patches = kRestorePatches,
                                             .patch_bytes = kPatchBytes,
                                             .cold = cold};
            return repeat([&] { return wl::make_restore(target, options); }, seconds);
          }};
}

Workload blobs(std::string name, std::string description, wl::BlobOptions::Operation operation,
               wl::Content content) {
  return {std::move(name),
          std::move(description),
          Unit::megabytes_per_second,
          false,
          false,
          [=](const Target& target, double seconds) {
            const wl::BlobOptions options{.operation = operation,
                                          .content = content,
                                          .blob_bytes = kMiB,
                                          .blobs_per_run = kBlobsPerRun};
            return repeat([&] { return wl::make_blobs(target, options); }, seconds);
          }};
}

Workload checkpoint() {
  return {"checkpoint",
          "a 1 MiB snapshot saved and the 2,621 patches before it pruned, in one transaction",
          Unit::milliseconds,
          false,
          false,
          [](const Target& target, double seconds) {
            const wl::CheckpointOptions options{
                .snapshot_bytes = kMiB, .patches = kRestorePatches, .patch_bytes = kPatchBytes};
            return repeat([&] { return wl::make_checkpoint(target, options); }, seconds);
          }};
}

Workload prune() {
  return {"prune_90000_of_100000",
          "pruning 90,000 of a store's 100,000 patches",
          Unit::milliseconds,
          false,
          false,
          [](const Target& target, double seconds) {
            const wl::PruneOptions options{
                .patches = 100'000, .pruned = 90'000, .patch_bytes = kPatchBytes};
            return repeat([&] { return wl::make_prune(target, options); }, seconds);
          }};
}

Workload many_stores() {
  return {"open_restore_1_of_10000_stores",
          "opening the database and restoring one of its 10,000 stores (1 KiB snapshot, "
          "2 patches)",
          Unit::milliseconds,
          false,
          false,
          [](const Target& target, double seconds) {
            const wl::ManyStoresOptions options{.stores = 10'000,
                                                .snapshot_bytes = 1024,
                                                .patches_per_store = 2,
                                                .patch_bytes = kPatchBytes};
            return repeat([&] { return wl::make_many_stores(target, options); }, seconds);
          }};
}

// Its cycles' own writes are not what it measures, so they run at sync=off.
Workload steady_state() {
  return {"steady_state",
          "checkpoint cycles (256 KiB snapshot, then 16 appends) at sync=off: the restore time "
          "and bytes on disk of the last cycle, and how they grew",
          Unit::milliseconds,
          false,
          true,
          [](const Target& target, double seconds) {
            const wl::SteadyStateOptions options{.cycles = steady_state_cycles(seconds),
                                                 .patches_per_cycle = 16,
                                                 .patch_bytes = kPatchBytes,
                                                 .snapshot_bytes = 256 * 1024};
            Measurement measurement;
            measurement.cycles = wl::run_steady_state(target.with_param("sync", "off"), options);
            measurement.runs = 1;
            for (const wl::CycleFigures& cycle : measurement.cycles) {
              measurement.total.seconds += cycle.restore_seconds;
            }
            measurement.total.ops = measurement.cycles.size();
            measurement.total.bytes_on_disk = measurement.cycles.back().bytes_on_disk;
            return measurement;
          }};
}

std::vector<Workload> make_workloads() {
  using Operation = wl::BlobOptions::Operation;
  return {
      append("append_per_call", "appends of 200 random bytes to one store, one call each", 1, 1,
             false),
      append("append_batched_100", "the same in WriteBatches of 100, one Store::write each", kBatch,
             1, false),
      append("append_8_threads", "append_per_call from 8 threads sharing the store", 1, kThreads,
             false),
      append("durable_append_1_thread", "append_per_call at sync=full", 1, 1, true),
      append("durable_append_8_threads", "append_8_threads at sync=full", 1, kThreads, true),
      append("durable_append_batched_100", "append_batched_100 at sync=full", kBatch, 1, true),
      restore("restore_cold_process",
              "a fresh process opens the database and restores a 1 MiB snapshot and the "
              "2,621 patches of 200 B after it",
              true),
      restore("restore_warm", "the same restore, the database open already", false),
      blobs("blob_save_random", "1 MiB incompressible blobs saved under new hashes",
            Operation::save, wl::Content::random),
      blobs("blob_load_random", "the same blobs loaded", Operation::load, wl::Content::random),
      blobs("blob_save_compressible", "1 MiB JSON-like blobs (zstd shrinks them tenfold) saved",
            Operation::save, wl::Content::compressible),
      blobs("blob_load_compressible", "the same blobs loaded", Operation::load,
            wl::Content::compressible),
      checkpoint(),
      prune(),
      many_stores(),
      steady_state(),
  };
}

}  // namespace

const std::vector<Workload>& standard_workloads() {
  static const std::vector<Workload> workloads = make_workloads();
  return workloads;
}

int steady_state_cycles(double seconds) {
  return std::max(20, static_cast<int>(std::lround(seconds * 1000)));
}

}  // namespace sdsctl::bench
