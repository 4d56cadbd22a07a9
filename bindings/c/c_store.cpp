// The C API's store functions: the methods of sds::PersistenceProvider and
// sds::Store, and sdsp_store_write.
#include <optional>

#include "bindings/c/c_api.hpp"

namespace {

using sds::capi::bytes_of;
using sds::capi::guard;
using sds::capi::require;
using sds::capi::text_of;

sds::Store& store_of(sdsp_store* handle, const char* what) {
  require(handle != nullptr, what);
  return *handle->store;
}

// *found and *out from an optional result; *out zeroed when there is none.
void put_optional(const std::optional<sds::Bytes>& value, sdsp_bytes* out, int* found) {
  *out = value ? sds::capi::copy_bytes(*value) : sdsp_bytes{nullptr, 0};
  *found = value.has_value();
}

}  // namespace

extern "C" {

const char* sdsp_store_id(const sdsp_store* store, size_t* size) {
  if (store == nullptr) {
    if (size != nullptr) *size = 0;
    return "";
  }
  const std::string& id = store->store->id();
  if (size != nullptr) *size = id.size();
  return id.c_str();
}

sdsp_code sdsp_store_load_snapshot(sdsp_store* store, sdsp_bytes* snapshot, int* found,
                                   sdsp_error** error) {
  return guard(error, [&] {
    auto& opened = store_of(store, "sdsp_store_load_snapshot: store");
    require(snapshot != nullptr && found != nullptr, "sdsp_store_load_snapshot: snapshot or found");
    put_optional(opened.load_snapshot(), snapshot, found);
  });
}

sdsp_code sdsp_store_save_snapshot(sdsp_store* store, const void* data, size_t size, uint64_t clock,
                                   sdsp_error** error) {
  return guard(error, [&] {
    store_of(store, "sdsp_store_save_snapshot: store")
        .save_snapshot(bytes_of(data, size, "sdsp_store_save_snapshot: data"), clock);
  });
}

sdsp_code sdsp_store_load_patches_since(sdsp_store* store, uint64_t clock, sdsp_bytes_list* patches,
                                        sdsp_error** error) {
  return guard(error, [&] {
    auto& opened = store_of(store, "sdsp_store_load_patches_since: store");
    require(patches != nullptr, "sdsp_store_load_patches_since: patches");
    *patches = sds::capi::copy_list(opened.load_patches_since(clock));
  });
}

sdsp_code sdsp_store_append_patch(sdsp_store* store, const void* patch, size_t size, uint64_t clock,
                                  sdsp_error** error) {
  return guard(error, [&] {
    store_of(store, "sdsp_store_append_patch: store")
        .append_patch(bytes_of(patch, size, "sdsp_store_append_patch: patch"), clock);
  });
}

sdsp_code sdsp_store_prune_patches(sdsp_store* store, uint64_t before, sdsp_error** error) {
  return guard(error,
               [&] { store_of(store, "sdsp_store_prune_patches: store").prune_patches(before); });
}

sdsp_code sdsp_store_load_value(sdsp_store* store, const void* hash, size_t hash_size,
                                sdsp_bytes* value, int* found, sdsp_error** error) {
  return guard(error, [&] {
    auto& opened = store_of(store, "sdsp_store_load_value: store");
    require(value != nullptr && found != nullptr, "sdsp_store_load_value: value or found");
    put_optional(opened.load_value(text_of(hash, hash_size, "sdsp_store_load_value: hash")), value,
                 found);
  });
}

sdsp_code sdsp_store_save_value(sdsp_store* store, const void* hash, size_t hash_size,
                                const void* data, size_t size, sdsp_error** error) {
  return guard(error, [&] {
    store_of(store, "sdsp_store_save_value: store")
        .save_value(text_of(hash, hash_size, "sdsp_store_save_value: hash"),
                    bytes_of(data, size, "sdsp_store_save_value: data"));
  });
}

sdsp_code sdsp_store_release_value(sdsp_store* store, const void* hash, size_t hash_size,
                                   sdsp_error** error) {
  return guard(error, [&] {
    store_of(store, "sdsp_store_release_value: store")
        .release_value(text_of(hash, hash_size, "sdsp_store_release_value: hash"));
  });
}

sdsp_code sdsp_store_retain_value(sdsp_store* store, const void* hash, size_t hash_size,
                                  int* retained, sdsp_error** error) {
  return guard(error, [&] {
    auto& opened = store_of(store, "sdsp_store_retain_value: store");
    require(retained != nullptr, "sdsp_store_retain_value: retained");
    *retained = opened.retain_value(text_of(hash, hash_size, "sdsp_store_retain_value: hash"));
  });
}

sdsp_code sdsp_store_accumulated_bytes(sdsp_store* store, uint64_t* bytes, sdsp_error** error) {
  return guard(error, [&] {
    auto& opened = store_of(store, "sdsp_store_accumulated_bytes: store");
    require(bytes != nullptr, "sdsp_store_accumulated_bytes: bytes");
    *bytes = opened.accumulated_bytes();
  });
}

sdsp_code sdsp_store_checkpoint_due(sdsp_store* store, int* due, sdsp_error** error) {
  return guard(error, [&] {
    auto& opened = store_of(store, "sdsp_store_checkpoint_due: store");
    require(due != nullptr, "sdsp_store_checkpoint_due: due");
    *due = opened.checkpoint_due();
  });
}

sdsp_code sdsp_store_checkpoint(sdsp_store* store, const void* snapshot, size_t size,
                                uint64_t clock, sdsp_error** error) {
  return guard(error, [&] {
    store_of(store, "sdsp_store_checkpoint: store")
        .checkpoint(bytes_of(snapshot, size, "sdsp_store_checkpoint: snapshot"), clock);
  });
}

sdsp_code sdsp_store_snapshot_clock(sdsp_store* store, uint64_t* clock, int* found,
                                    sdsp_error** error) {
  return guard(error, [&] {
    auto& opened = store_of(store, "sdsp_store_snapshot_clock: store");
    require(clock != nullptr && found != nullptr, "sdsp_store_snapshot_clock: clock or found");
    const std::optional<sds::Clock> stored = opened.snapshot_clock();
    *clock = stored.value_or(0);
    *found = stored.has_value();
  });
}

sdsp_code sdsp_store_visit_patches_since(sdsp_store* store, uint64_t clock,
                                         sdsp_patch_visitor visit, void* context,
                                         sdsp_error** error) {
  return guard(error, [&] {
    auto& opened = store_of(store, "sdsp_store_visit_patches_since: store");
    require(visit != nullptr, "sdsp_store_visit_patches_since: visit");
    opened.visit_patches_since(clock, [&](sds::Clock at, sds::ByteView patch) {
      return visit(context, at, patch.data(), patch.size()) != 0;
    });
  });
}

sdsp_code sdsp_store_flush(sdsp_store* store, sdsp_error** error) {
  return guard(error, [&] { store_of(store, "sdsp_store_flush: store").flush(); });
}

sdsp_code sdsp_store_get_stats(sdsp_store* store, sdsp_stats_scope scope, sdsp_store_stats* stats,
                               sdsp_error** error) {
  return guard(error, [&] {
    auto& opened = store_of(store, "sdsp_store_get_stats: store");
    require(stats != nullptr, "sdsp_store_get_stats: stats");
    if (scope != SDSP_STATS_STORE_ONLY && scope != SDSP_STATS_WITH_BLOBS) {
      throw sds::Error(sds::Errc::invalid_argument,
                       "sdsp_store_get_stats: unknown scope " + std::to_string(scope),
                       "pass SDSP_STATS_STORE_ONLY or SDSP_STATS_WITH_BLOBS");
    }
    const sds::StoreStats figures = opened.stats(
        scope == SDSP_STATS_WITH_BLOBS ? sds::StatsScope::with_blobs : sds::StatsScope::store_only);
    *stats = sdsp_store_stats{figures.has_snapshot,
                              figures.snapshot_clock,
                              figures.snapshot_bytes,
                              figures.snapshot_stored_bytes,
                              figures.patch_count,
                              figures.patch_bytes,
                              figures.first_patch_clock.has_value(),
                              figures.first_patch_clock.value_or(0),
                              figures.last_patch_clock.value_or(0),
                              figures.accumulated_bytes,
                              figures.checkpoint_bytes,
                              figures.blob_count,
                              figures.blob_bytes,
                              figures.blob_stored_bytes,
                              figures.bytes_on_disk.has_value(),
                              figures.bytes_on_disk.value_or(0)};
  });
}

sdsp_code sdsp_store_write(sdsp_store* store, const sdsp_batch* batch, sdsp_error** error) {
  return guard(error, [&] {
    auto& opened = store_of(store, "sdsp_store_write: store");
    require(batch != nullptr, "sdsp_store_write: batch");
    opened.write(batch->batch);
  });
}

sdsp_code sdsp_store_close(sdsp_store* store, sdsp_error** error) {
  return guard(error, [&] { store_of(store, "sdsp_store_close: store").close(); });
}

void sdsp_store_free(sdsp_store* store) {
  if (store == nullptr) return;
  sdsp_store_close(store, nullptr);  // a failing close still frees the handle
  delete store;
}

}  // extern "C"
