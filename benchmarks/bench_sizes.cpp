#include "bench_sizes.hpp"

namespace sds::bench {

using workloads::kMiB;

BenchSizes default_sizes() {
  BenchSizes sizes{};
  sizes.append_runs = 5;
  sizes.appends_per_run = 5000;
  sizes.synced_appends_per_run = 400;
  sizes.batch = 100;
  sizes.restore = {.snapshot_bytes = kMiB, .patches = 2621, .patch_bytes = 200};
  sizes.cold_restore_runs = 10;
  sizes.warm_restore_runs = 50;
  sizes.blob_bytes = kMiB;
  sizes.blobs_per_run = 8;
  sizes.blob_runs = 5;
  sizes.checkpoint = {.snapshot_bytes = kMiB, .patches = 2621, .patch_bytes = 200};
  sizes.checkpoint_runs = 3;
  sizes.prune = {.patches = 100'000, .pruned = 90'000, .patch_bytes = 200};
  sizes.many_stores = {
      .stores = 10'000, .snapshot_bytes = 1024, .patches_per_store = 2, .patch_bytes = 200};
  sizes.many_stores_runs = 50;
  sizes.steady_state = {
      .cycles = 1000, .patches_per_cycle = 16, .patch_bytes = 200, .snapshot_bytes = 256 * 1024};
  sizes.trace_records = 0;
  return sizes;
}

BenchSizes smoke_sizes() {
  BenchSizes sizes{};
  sizes.append_runs = 1;
  sizes.appends_per_run = 50;
  sizes.synced_appends_per_run = 8;
  sizes.batch = 10;
  sizes.restore = {.snapshot_bytes = 64 * 1024, .patches = 50, .patch_bytes = 200};
  sizes.cold_restore_runs = 1;
  sizes.warm_restore_runs = 1;
  sizes.blob_bytes = 64 * 1024;
  sizes.blobs_per_run = 2;
  sizes.blob_runs = 1;
  sizes.checkpoint = {.snapshot_bytes = 64 * 1024, .patches = 50, .patch_bytes = 200};
  sizes.checkpoint_runs = 1;
  sizes.prune = {.patches = 1000, .pruned = 900, .patch_bytes = 200};
  sizes.many_stores = {
      .stores = 20, .snapshot_bytes = 1024, .patches_per_store = 2, .patch_bytes = 200};
  sizes.many_stores_runs = 1;
  sizes.steady_state = {
      .cycles = 3, .patches_per_cycle = 4, .patch_bytes = 200, .snapshot_bytes = 16 * 1024};
  sizes.trace_records = 100;
  return sizes;
}

}  // namespace sds::bench
