#include "bench_plan.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <sds/registry.hpp>
#include <string>
#include <vector>

#include "bench_registration.hpp"
#include "subject.hpp"
#include "trace_source.hpp"

namespace sds::bench {
namespace {

using namespace sds::workloads;

std::string size_text(std::size_t bytes) {
  if (bytes % kMiB == 0) return std::to_string(bytes / kMiB) + "MiB";
  if (bytes % 1024 == 0) return std::to_string(bytes / 1024) + "KiB";
  return std::to_string(bytes) + "B";
}

// The server a server scheme is measured on: SDS_BENCH_<SCHEME>_URI (e.g.
// SDS_BENCH_POSTGRES_URI=postgres://user:pw@host:5432/db), so that the
// default run needs no server.
std::optional<std::string> server_uri(const std::string& scheme) {
  std::string variable = "SDS_BENCH_";
  for (const char c : scheme) {
    variable += (c >= 'a' && c <= 'z')   ? static_cast<char>(c - 'a' + 'A')
                : (c >= '0' && c <= '9') ? c
                                         : '_';
  }
  const char* uri = std::getenv((variable + "_URI").c_str());
  if (uri == nullptr || *uri == '\0') return std::nullopt;
  return uri;
}

// The engine's schemes: a server scheme only where its server is named.
std::vector<std::string> engine_schemes() {
  std::vector<std::string> schemes;
  for (const BackendInfo& info : backend_infos()) {
    if (info.path_kind != PathKind::server || server_uri(info.scheme)) {
      schemes.push_back(info.scheme);
    }
  }
  return schemes;
}

Target target(const std::string& scheme, const std::string& sync) {
  if (const auto uri = server_uri(scheme)) {
    return Target::parse(*uri + (uri->find('?') == std::string::npos ? "?" : "&") + "sync=" + sync);
  }
  return Target::parse(scheme + ":?sync=" + sync);
}

std::string name(const std::string& workload, const Target& target) {
  return workload + "/" + target.scheme + "/" + target.params;
}

// Whether every commit waits for the disk: sync=full anywhere, and LMDB at
// sync=normal (it syncs the data pages of each commit).
bool commits_wait_for_disk(const Target& target) {
  return target.params == "sync=full" ||
         (target.scheme.find("lmdb") != std::string::npos && target.params != "sync=off");
}

// The engine's schemes, and the raw baselines of those this build has.
struct Schemes {
  std::vector<std::string> engine = engine_schemes();
  std::vector<std::string> raw = subject_schemes();
  std::vector<std::string> persistent() const {
    std::vector<std::string> schemes;
    for (const std::string& scheme : engine) {
      if (Target::parse(scheme + ":").persistent()) schemes.push_back(scheme);
    }
    return schemes;
  }
  std::vector<std::string> engine_and_raw() const {
    std::vector<std::string> schemes = engine;
    schemes.insert(schemes.end(), raw.begin(), raw.end());
    return schemes;
  }
  // Every raw baseline is persistent.
  std::vector<std::string> persistent_and_raw() const {
    std::vector<std::string> schemes = persistent();
    schemes.insert(schemes.end(), raw.begin(), raw.end());
    return schemes;
  }
};

// Per-call appends where each commit waits for the disk get the smaller count;
// batched appends commit once per batch, so they all get the larger one.
void register_append(const std::string& workload, const Target& target, const BenchSizes& sizes,
                     std::size_t batch, int threads) {
  const bool few = batch == 1 && commits_wait_for_disk(target);
  const AppendOptions options{
      .patches_per_run = few ? sizes.synced_appends_per_run : sizes.appends_per_run,
      .patch_bytes = 200,
      .batch = batch,
      .threads = threads};
  register_workload(name(workload, target), sizes.append_runs,
                    [=] { return make_append(target, options); });
}

void register_appends(const Schemes& schemes, const BenchSizes& sizes) {
  for (const std::string& scheme : schemes.engine_and_raw()) {
    register_append("append_per_call", target(scheme, "normal"), sizes, 1, 1);
  }
  // One WriteBatch of `batch` appends per Store::write (the raw libraries: one
  // transaction). At sync=normal this is also LMDB's way to append quickly.
  const std::string batched = "append_batched_" + std::to_string(sizes.batch);
  for (const std::string& scheme : schemes.engine_and_raw()) {
    register_append(batched, target(scheme, "normal"), sizes, sizes.batch, 1);
  }
  for (const std::string& scheme : schemes.engine) {
    register_append("append_8_threads", target(scheme, "normal"), sizes, 1, 8);
  }
  // Durable appends need a disk: memory: is left out.
  for (const std::string& scheme : schemes.persistent()) {
    register_append("durable_append_1_thread", target(scheme, "full"), sizes, 1, 1);
    register_append("durable_append_8_threads", target(scheme, "full"), sizes, 1, 8);
  }
  for (const std::string& scheme : schemes.persistent_and_raw()) {
    register_append("durable_" + batched, target(scheme, "full"), sizes, sizes.batch, 1);
  }
}

void register_restores(const Schemes& schemes, const BenchSizes& sizes) {
  const std::string what = size_text(sizes.restore.snapshot_bytes) + "_snapshot_" +
                           std::to_string(sizes.restore.patches) + "_patches";
  // A fresh process needs a database on disk: memory: is left out.
  for (const std::string& scheme : schemes.engine_and_raw()) {
    const Target place = target(scheme, "normal");
    if (!place.persistent()) continue;
    RestoreOptions options = sizes.restore;
    options.cold = true;
    register_workload(name("restore_cold_process_" + what, place), sizes.cold_restore_runs,
                      [=] { return make_restore(place, options); });
  }
  for (const std::string& scheme : schemes.engine_and_raw()) {
    const Target place = target(scheme, "normal");
    const RestoreOptions options = sizes.restore;
    register_workload(name("restore_warm_" + what, place), sizes.warm_restore_runs,
                      [=] { return make_restore(place, options); });
  }
}

void register_blobs(const Schemes& schemes, const BenchSizes& sizes) {
  struct Variant {
    const char* label;
    BlobOptions::Operation operation;
    Content content;
    bool raw;  // the raw libraries do not compress: only random has a baseline
  };
  const Variant variants[] = {
      {"save", BlobOptions::Operation::save, Content::random, true},
      {"load", BlobOptions::Operation::load, Content::random, true},
      {"save", BlobOptions::Operation::save, Content::compressible, false},
      {"load", BlobOptions::Operation::load, Content::compressible, false},
  };
  for (const Variant& variant : variants) {
    const std::string workload = std::string("blob_") + variant.label + "_" +
                                 size_text(sizes.blob_bytes) + "_" +
                                 (variant.content == Content::random ? "random" : "compressible");
    const BlobOptions options{.operation = variant.operation,
                              .content = variant.content,
                              .blob_bytes = sizes.blob_bytes,
                              .blobs_per_run = sizes.blobs_per_run};
    for (const std::string& scheme : variant.raw ? schemes.engine_and_raw() : schemes.engine) {
      const Target place = target(scheme, "normal");
      register_workload(name(workload, place), sizes.blob_runs,
                        [=] { return make_blobs(place, options); });
    }
  }
}

void register_log_maintenance(const Schemes& schemes, const BenchSizes& sizes) {
  for (const std::string& scheme : schemes.engine) {
    const Target place = target(scheme, "normal");
    const CheckpointOptions checkpoint = sizes.checkpoint;
    register_workload(name("checkpoint_" + size_text(checkpoint.snapshot_bytes) + "_snapshot_" +
                               std::to_string(checkpoint.patches) + "_patches",
                           place),
                      sizes.checkpoint_runs, [=] { return make_checkpoint(place, checkpoint); });
  }
  for (const std::string& scheme : schemes.engine) {
    const Target place = target(scheme, "normal");
    const PruneOptions prune = sizes.prune;
    register_workload(
        name("prune_" + std::to_string(prune.pruned) + "_of_" + std::to_string(prune.patches),
             place),
        1, [=] { return make_prune(place, prune); });
  }
}

void register_many_stores(const Schemes& schemes, const BenchSizes& sizes) {
  for (const int stores : {1, sizes.many_stores.stores}) {
    for (const std::string& scheme : schemes.engine) {
      const Target place = target(scheme, "normal");
      ManyStoresOptions options = sizes.many_stores;
      options.stores = stores;
      register_workload(name("open_restore_1_of_" + std::to_string(stores) + "_stores", place),
                        sizes.many_stores_runs, [=] { return make_many_stores(place, options); });
    }
  }
}

// The cycles' own writes are not what this measures, so they run at sync=off.
void register_steady_state(const Schemes& schemes, const BenchSizes& sizes) {
  SteadyStateOptions options = sizes.steady_state;
  if (const char* cycles = std::getenv("SDS_BENCH_CYCLES")) options.cycles = std::atoi(cycles);
  const int early = std::min(10, options.cycles);
  for (const std::string& scheme : schemes.engine) {
    const Target place = target(scheme, "off");
    register_measurement(
        name("steady_state_" + std::to_string(options.cycles) + "_cycles", place),
        [=](benchmark::State& state) {
          std::vector<CycleFigures> cycles;
          for (auto _ : state) {
            cycles = run_steady_state(place, options);
            state.SetIterationTime(cycles.back().restore_seconds);
          }
          const SteadyStateGrowth growth = steady_state_growth(cycles);
          state.counters["restore_growth"] = growth.restore;
          if (growth.bytes_on_disk) state.counters["disk_growth"] = *growth.bytes_on_disk;
          const CycleFigures& first = cycles[early - 1];
          const CycleFigures& last = cycles.back();
          const std::string at = std::to_string(early);
          state.counters["restore_ms_cycle_" + at] = first.restore_seconds * 1e3;
          state.counters["restore_ms_last"] = last.restore_seconds * 1e3;
          state.counters["restore_last_vs_" + at] = last.restore_seconds / first.restore_seconds;
          if (first.bytes_on_disk && last.bytes_on_disk) {
            state.counters["disk_cycle_" + at] = static_cast<double>(*first.bytes_on_disk);
            state.counters["disk_last"] = static_cast<double>(*last.bytes_on_disk);
            state.counters["disk_last_vs_" + at] = static_cast<double>(*last.bytes_on_disk) /
                                                   static_cast<double>(*first.bytes_on_disk);
          }
        });
  }
}

// The replay's time is the benchmark's; the restore's is a counter beside it.
// Where every commit waits for the disk (LMDB), the replay runs at sync=off:
// 11,063 commits of a few milliseconds each would take most of the run, and
// append_per_call already measures that cost.
void register_trace(const Schemes& schemes, const BenchSizes& sizes) {
  for (const std::string& scheme : schemes.engine) {
    const Target normal = target(scheme, "normal");
    const Target place = commits_wait_for_disk(normal) ? target(scheme, "off") : normal;
    const std::size_t records = sizes.trace_records;
    register_measurement(
        name("trace_session_10k_replay_then_restore", place), [=](benchmark::State& state) {
          const Trace& trace = session_trace(records);
          TraceFigures figures;
          for (auto _ : state) {
            figures = run_trace(place, trace);
            state.SetIterationTime(figures.replay.seconds);
          }
          set_counters(state, figures.replay);
          state.counters["restore_ms"] = figures.restore.seconds * 1e3;
          state.counters["restore_MB"] = static_cast<double>(figures.restore.bytes) / 1e6;
        });
  }
}

}  // namespace

void register_benchmarks(const BenchSizes& sizes) {
  const Schemes schemes;
  register_appends(schemes, sizes);
  register_restores(schemes, sizes);
  register_blobs(schemes, sizes);
  register_log_maintenance(schemes, sizes);
  register_many_stores(schemes, sizes);
  register_steady_state(schemes, sizes);
  register_trace(schemes, sizes);
}

}  // namespace sds::bench
