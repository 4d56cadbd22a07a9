// What SDS_NativeDatabase and SDS_NativePersistenceProvider do alike with
// their handles: close() once, close on garbage collection, and queueStats().
// `Handle` has `worker` and `closed`; `unwrap` finds the handle of `this`.
#pragma once

#include <node_api.h>

#include <memory>

#include "bindings/node/src/handles.hpp"
#include "bindings/node/src/napi_support.hpp"
#include "bindings/node/src/stats.hpp"

namespace sds::node {

// close(): `job` is queued after every call made before it, so those finish
// first; the handle lets go of its worker. A second close() resolves at once.
template <class Handle>
napi_value close_handle(napi_env env, Handle& handle, std::unique_ptr<Job> job) {
  if (handle.closed) return resolved(env);
  handle.closed = true;
  napi_value promise = queue_call(env, *handle.worker, std::move(job));
  handle.worker->release();
  return promise;
}

// Garbage collected without close(): closed on the worker, after its calls,
// with nobody to report a failure to.
template <class Handle, class MakeCloseJob>
void finalize_handle(napi_env env, Handle* handle, MakeCloseJob make_close_job) {
  if (!handle->closed) {
    handle->closed = true;
    try {
      handle->worker->submit(env, make_close_job(*handle));
    } catch (...) {  // nothing to report to: the close is best effort here
    }
    handle->worker->release();
  }
  delete handle;
}

// queueStats(): the figures of the worker the handle queues on.
template <auto unwrap>
napi_value queue_stats(napi_env env, napi_callback_info info) {
  return js_entry(env, [&] {
    auto call = call_info<0>(env, info);
    return queue_figures_object(env, unwrap(env, call.self).worker->figures());
  });
}

}  // namespace sds::node
