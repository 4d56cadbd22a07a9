// What SDS_NativeDatabase and SDS_NativePersistenceProvider do alike with
// their handles: a method that makes a job and runs it on the JS thread or
// queues it on the worker (call_on; and the flush(), stats() and ready() both
// classes have), close() once, close on garbage collection, and queueStats().
// `Handle` has `worker`, `slot` and `closed`; `unwrap` finds the handle of
// `this`.
#pragma once

#include <node_api.h>

#include <cstddef>
#include <memory>

#include "bindings/node/src/handles.hpp"
#include "bindings/node/src/napi_support.hpp"
#include "bindings/node/src/stats.hpp"

namespace sds::node {

// The JS method `make_job` defines: its N arguments checked (a bad one rejects
// the promise), then the job run or queued (call_on). Calls after close()
// reject with closed.
// make_job(env, slot, args) gets the handle's slot (a shared_ptr).
template <auto unwrap, std::size_t N, class MakeJob>
napi_value queued_call(napi_env env, napi_callback_info info, MakeJob make_job) {
  return js_entry(env, [&]() -> napi_value {
    auto call = call_info<N>(env, info);
    auto& handle = unwrap(env, call.self);
    if (handle.closed) return rejected(env, closed_failure(handle));
    std::unique_ptr<Job> job;
    try {
      job = make_job(env, handle.slot, call.args);
    } catch (const JsFailure& e) {
      return rejected(env, e.failure);
    }
    return call_on(env, *handle.worker, std::move(job));
  });
}

// flush(): makes everything written so far durable.
template <auto unwrap>
napi_value flush_call(napi_env env, napi_callback_info info) {
  return queued_call<unwrap, 0>(env, info, [](napi_env, const auto& slot, napi_value*) {
    return std::make_unique<VoidJob>(CallKind::worker_only, [slot] { slot->get().flush(); });
  });
}

// stats(): the slot's figures, made a JS object by `stats_object`.
template <auto unwrap, auto stats_object>
napi_value stats_call(napi_env env, napi_callback_info info) {
  return queued_call<unwrap, 0>(env, info, [](napi_env, const auto& slot, napi_value*) {
    using Figures = decltype(slot->get().stats());
    return std::make_unique<CallJob<Figures>>(
        CallKind::worker_only, [slot] { return slot->get().stats(); },
        [](napi_env env, Figures& figures) { return stats_object(env, figures); });
  });
}

// ready(): resolves once the slot is open; rejects with what prevented it.
template <auto unwrap>
napi_value ready_call(napi_env env, napi_callback_info info) {
  return queued_call<unwrap, 0>(env, info, [](napi_env, const auto& slot, napi_value*) {
    return std::make_unique<VoidJob>(CallKind::worker_only, [slot] { slot->get(); });
  });
}

// close(): `job` is queued after every call made before it, so those finish
// first; the handle lets go of its worker. A second close() resolves at once.
template <class Handle>
napi_value close_handle(napi_env env, Handle& handle, std::unique_ptr<Job> job) {
  if (handle.closed) return resolved(env);
  handle.closed = true;
  napi_value promise = call_on(env, *handle.worker, std::move(job));
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
