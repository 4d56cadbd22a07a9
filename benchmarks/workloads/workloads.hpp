// The standard workloads, over the public API (and raw-library subjects where
// a workload has a baseline). Google Benchmark programs and `sdsctl bench` run
// the same code: make a workload for a target, then call run() as often as
// wanted. Every workload makes its own databases in fresh temporary
// directories and removes them; every failure throws (sds::Error from the
// engine, std::runtime_error or std::system_error from the workload itself).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "figures.hpp"
#include "payloads.hpp"
#include "target.hpp"
#include "trace.hpp"

namespace sds::workloads {

inline constexpr std::size_t kMiB = std::size_t{1} << 20;

// One workload on one target. Its maker prepares what every run needs, which is
// never timed; each run() measures once.
class Workload {
 public:
  virtual ~Workload() = default;
  virtual Figures run() = 0;
};

// Appends to one store, continuing the clocks of the previous run. `threads`
// threads share the store, each appending its share; `batch` > 1 hands the
// subject that many patches per append_patches() call. Any subject scheme;
// threads only on the engine's (raw subjects serve one thread at a time).
struct AppendOptions {
  std::uint64_t patches_per_run = 1000;
  std::size_t patch_bytes = 200;
  std::size_t batch = 1;
  int threads = 1;
};
std::unique_ptr<Workload> make_append(const Target& target, const AppendOptions& options);

// Restores one store as a reopening client does: its snapshot, then the
// patches after it. Cold: a forked child opens the database (a copy of the one
// written, so every run starts from the state a closed writer leaves) and
// restores; the time covers the open and the restore. Warm: the database stays
// open in this process and only the restore is timed. Any subject scheme;
// cold needs a persistent one.
struct RestoreOptions {
  std::size_t snapshot_bytes = kMiB;
  std::uint64_t patches = 2621;  // 512 KiB of 200-byte patches: a checkpoint's worth
  std::size_t patch_bytes = 200;
  bool cold = false;
};
std::unique_ptr<Workload> make_restore(const Target& target, const RestoreOptions& options);

// Saves `blobs_per_run` new blobs of `blob_bytes` each run, or loads that many
// saved beforehand. Any subject scheme.
struct BlobOptions {
  enum class Operation { save, load };
  Operation operation = Operation::save;
  Content content = Content::random;
  std::size_t blob_bytes = kMiB;
  int blobs_per_run = 8;
};
std::unique_ptr<Workload> make_blobs(const Target& target, const BlobOptions& options);

// Each run appends `patches` (untimed, under sync=off), then checkpoints:
// saves a snapshot and prunes those patches in one transaction (timed).
// Engine schemes only.
struct CheckpointOptions {
  std::size_t snapshot_bytes = kMiB;
  std::uint64_t patches = 2621;
  std::size_t patch_bytes = 200;
};
std::unique_ptr<Workload> make_checkpoint(const Target& target, const CheckpointOptions& options);

// Each run fills a fresh store with `patches` (untimed, under sync=off), then
// prunes the first `pruned` of them (timed). Engine schemes only.
struct PruneOptions {
  std::uint64_t patches = 100'000;
  std::uint64_t pruned = 90'000;
  std::size_t patch_bytes = 200;
};
std::unique_ptr<Workload> make_prune(const Target& target, const PruneOptions& options);

// A database of `stores` stores (filled once, untimed, under sync=off); each run
// opens it and restores one store in the middle. Compare 1 and 10,000 stores.
// Engine schemes only.
struct ManyStoresOptions {
  int stores = 10'000;
  std::size_t snapshot_bytes = 1024;
  std::uint64_t patches_per_store = 2;
  std::size_t patch_bytes = 200;
};
std::unique_ptr<Workload> make_many_stores(const Target& target, const ManyStoresOptions& options);

// The checkpoint cycle repeated on one store: checkpoint (snapshot + prune),
// append `patches_per_cycle`, then measure a restore (snapshot and patches
// since, the store open; the fastest of three) and the bytes on disk. Both
// must stay flat as cycles pile up. Engine schemes only.
struct SteadyStateOptions {
  int cycles = 1000;
  std::uint64_t patches_per_cycle = 16;
  std::size_t patch_bytes = 200;
  std::size_t snapshot_bytes = 256 * 1024;
};
struct CycleFigures {
  double restore_seconds = 0;
  std::optional<std::uint64_t> bytes_on_disk;
};
// One entry per cycle, in order.
std::vector<CycleFigures> run_steady_state(const Target& target, const SteadyStateOptions& options);

// How the last tenth of the cycles (at least 10, at most half) compares with
// the first tenth: the ratios of their means. Two single cycles would do for
// a store that grows steadily, but disk use that saws up and down between
// flushes (RocksDB's WAL) can put either of them at any point of the saw.
struct SteadyStateGrowth {
  double restore = 0;
  std::optional<double> bytes_on_disk;  // nullopt where nothing is on disk
};
SteadyStateGrowth steady_state_growth(const std::vector<CycleFigures>& cycles);

// Replays a recorded session into a fresh store (timed: `replay`), closes it,
// then opens it again and restores as offline SDS applications do, with the
// snapshot and the whole log from clock 0 (timed: `restore`, open included).
// Engine schemes only.
struct TraceFigures {
  Figures replay;
  Figures restore;
};
TraceFigures run_trace(const Target& target, const Trace& trace);

}  // namespace sds::workloads
