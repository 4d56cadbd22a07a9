// How much each benchmark of sds_bench does: a default run of about two
// minutes, and a smoke run of seconds that only proves everything still runs.
#pragma once

#include <cstddef>
#include <cstdint>

#include "workloads.hpp"

namespace sds::bench {

struct BenchSizes {
  int append_runs;
  // Patches per run where commits are cheap, and where each commit waits for
  // the disk (sync=full anywhere, LMDB at sync=normal): a few milliseconds each.
  std::uint64_t appends_per_run;
  std::uint64_t synced_appends_per_run;
  std::size_t batch;

  workloads::RestoreOptions restore;
  int cold_restore_runs;
  int warm_restore_runs;

  std::size_t blob_bytes;
  int blobs_per_run;
  int blob_runs;

  workloads::CheckpointOptions checkpoint;
  int checkpoint_runs;
  workloads::PruneOptions prune;
  workloads::ManyStoresOptions many_stores;
  int many_stores_runs;
  workloads::SteadyStateOptions steady_state;

  std::size_t trace_records;  // the first this many of the trace; 0 for all
};

BenchSizes default_sizes();
BenchSizes smoke_sizes();

}  // namespace sds::bench
