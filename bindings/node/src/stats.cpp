#include "bindings/node/src/stats.hpp"

namespace sds::node {

namespace {

napi_value object(napi_env env) {
  napi_value result = nullptr;
  check(env, napi_create_object(env, &result), "napi_create_object");
  return result;
}

template <class Optional>
napi_value optional_number(napi_env env, const Optional& value, const char* what) {
  return value ? safe_number(env, *value, what) : undefined(env);
}

}  // namespace

napi_value store_stats_object(napi_env env, const StoreStats& figures) {
  napi_value result = object(env);
  set(env, result, "hasSnapshot", boolean(env, figures.has_snapshot));
  set(env, result, "snapshotClock", safe_number(env, figures.snapshot_clock, "snapshotClock"));
  set(env, result, "snapshotBytes", safe_number(env, figures.snapshot_bytes, "snapshotBytes"));
  set(env, result, "snapshotStoredBytes",
      safe_number(env, figures.snapshot_stored_bytes, "snapshotStoredBytes"));
  set(env, result, "patchCount", safe_number(env, figures.patch_count, "patchCount"));
  set(env, result, "patchBytes", safe_number(env, figures.patch_bytes, "patchBytes"));
  set(env, result, "firstPatchClock",
      optional_number(env, figures.first_patch_clock, "firstPatchClock"));
  set(env, result, "lastPatchClock",
      optional_number(env, figures.last_patch_clock, "lastPatchClock"));
  set(env, result, "accumulatedBytes",
      safe_number(env, figures.accumulated_bytes, "accumulatedBytes"));
  set(env, result, "checkpointBytes",
      safe_number(env, figures.checkpoint_bytes, "checkpointBytes"));
  set(env, result, "blobCount", safe_number(env, figures.blob_count, "blobCount"));
  set(env, result, "blobBytes", safe_number(env, figures.blob_bytes, "blobBytes"));
  set(env, result, "blobStoredBytes",
      safe_number(env, figures.blob_stored_bytes, "blobStoredBytes"));
  set(env, result, "bytesOnDisk", optional_number(env, figures.bytes_on_disk, "bytesOnDisk"));
  return result;
}

napi_value database_stats_object(napi_env env, const DatabaseStats& figures) {
  napi_value result = object(env);
  set(env, result, "storeCount", safe_number(env, figures.store_count, "storeCount"));
  set(env, result, "blobCount", safe_number(env, figures.blob_count, "blobCount"));
  set(env, result, "blobBytes", safe_number(env, figures.blob_bytes, "blobBytes"));
  set(env, result, "blobStoredBytes",
      safe_number(env, figures.blob_stored_bytes, "blobStoredBytes"));
  set(env, result, "bytesOnDisk", optional_number(env, figures.bytes_on_disk, "bytesOnDisk"));
  set(env, result, "formatVersion", number(env, figures.format_version));
  return result;
}

napi_value queue_figures_object(napi_env env, const QueueFigures& figures) {
  napi_value result = object(env);
  set(env, result, "calls", safe_number(env, figures.calls, "calls"));
  set(env, result, "appendCalls", safe_number(env, figures.append_calls, "appendCalls"));
  set(env, result, "appendCommits", safe_number(env, figures.append_commits, "appendCommits"));
  set(env, result, "jsThreadCalls", safe_number(env, figures.js_thread_calls, "jsThreadCalls"));
  return result;
}

}  // namespace sds::node
