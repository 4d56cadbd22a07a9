// The C API's write batch: sds::WriteBatch behind sdsp_batch.
#include "bindings/c/c_api.hpp"

namespace {

using sds::capi::bytes_of;
using sds::capi::guard;
using sds::capi::require;
using sds::capi::text_of;

sds::WriteBatch& batch_of(sdsp_batch* handle, const char* what) {
  require(handle != nullptr, what);
  return handle->batch;
}

}  // namespace

extern "C" {

sdsp_code sdsp_batch_new(sdsp_batch** batch, sdsp_error** error) {
  return guard(error, [&] {
    require(batch != nullptr, "sdsp_batch_new: batch");
    *batch = new sdsp_batch();
  });
}

void sdsp_batch_free(sdsp_batch* batch) { delete batch; }

size_t sdsp_batch_size(const sdsp_batch* batch) {
  return batch == nullptr ? 0 : batch->batch.size();
}

void sdsp_batch_clear(sdsp_batch* batch) {
  if (batch != nullptr) batch->batch.clear();
}

sdsp_code sdsp_batch_append_patch(sdsp_batch* batch, const void* patch, size_t size, uint64_t clock,
                                  sdsp_error** error) {
  return guard(error, [&] {
    batch_of(batch, "sdsp_batch_append_patch: batch")
        .append_patch(bytes_of(patch, size, "sdsp_batch_append_patch: patch"), clock);
  });
}

sdsp_code sdsp_batch_save_snapshot(sdsp_batch* batch, const void* data, size_t size, uint64_t clock,
                                   sdsp_error** error) {
  return guard(error, [&] {
    batch_of(batch, "sdsp_batch_save_snapshot: batch")
        .save_snapshot(bytes_of(data, size, "sdsp_batch_save_snapshot: data"), clock);
  });
}

sdsp_code sdsp_batch_checkpoint(sdsp_batch* batch, const void* snapshot, size_t size,
                                uint64_t clock, sdsp_error** error) {
  return guard(error, [&] {
    batch_of(batch, "sdsp_batch_checkpoint: batch")
        .checkpoint(bytes_of(snapshot, size, "sdsp_batch_checkpoint: snapshot"), clock);
  });
}

sdsp_code sdsp_batch_prune_patches(sdsp_batch* batch, uint64_t before, sdsp_error** error) {
  return guard(error,
               [&] { batch_of(batch, "sdsp_batch_prune_patches: batch").prune_patches(before); });
}

sdsp_code sdsp_batch_save_value(sdsp_batch* batch, const void* hash, size_t hash_size,
                                const void* data, size_t size, sdsp_error** error) {
  return guard(error, [&] {
    batch_of(batch, "sdsp_batch_save_value: batch")
        .save_value(text_of(hash, hash_size, "sdsp_batch_save_value: hash"),
                    bytes_of(data, size, "sdsp_batch_save_value: data"));
  });
}

sdsp_code sdsp_batch_release_value(sdsp_batch* batch, const void* hash, size_t hash_size,
                                   sdsp_error** error) {
  return guard(error, [&] {
    batch_of(batch, "sdsp_batch_release_value: batch")
        .release_value(text_of(hash, hash_size, "sdsp_batch_release_value: hash"));
  });
}

}  // extern "C"
