// run_trace: a recorded session replayed, then restored as an offline app does.
#include <sds/database.hpp>

#include "place.hpp"
#include "stopwatch.hpp"
#include "workloads.hpp"

namespace sds::workloads {
namespace {

constexpr const char* kStoreId = "session";

void replay(Store& store, const TraceRecord& record) {
  switch (record.op) {
    case TraceRecord::Op::append_patch:
      store.append_patch(record.data, record.clock);
      break;
    case TraceRecord::Op::save_snapshot:
      store.save_snapshot(record.data, record.clock);
      break;
    case TraceRecord::Op::prune_patches:
      store.prune_patches(record.clock);
      break;
    case TraceRecord::Op::save_value:
      store.save_value(record.key, record.data);
      break;
    case TraceRecord::Op::release_value:
      store.release_value(record.key);
      break;
  }
}

}  // namespace

TraceFigures run_trace(const Target& target, const Trace& trace) {
  const Place place(target);
  TraceFigures figures;
  {
    const auto store = sds::open(place.uri(), kStoreId);
    Stopwatch stopwatch;
    for (const TraceRecord& record : trace.records) replay(*store, record);
    figures.replay.seconds = stopwatch.seconds();
  }
  for (const TraceRecord& record : trace.records) figures.replay.bytes += record.data.size();
  figures.replay.ops = trace.records.size();
  figures.replay.bytes_on_disk = place.bytes_on_disk();

  Stopwatch stopwatch;
  const auto store = sds::open(place.uri(), kStoreId);
  const std::optional<Bytes> snapshot = store->load_snapshot();
  const std::vector<Bytes> patches = store->load_patches_since(0);
  figures.restore.seconds = stopwatch.seconds();
  figures.restore.ops = 1;
  figures.restore.bytes = snapshot.value_or(Bytes{}).size();
  for (const Bytes& patch : patches) figures.restore.bytes += patch.size();
  figures.restore.bytes_on_disk = place.bytes_on_disk();
  return figures;
}

}  // namespace sds::workloads
