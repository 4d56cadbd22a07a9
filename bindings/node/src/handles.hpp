// The native side of the two JS classes, and what their methods share:
// making a promise for a call (run on the JS thread or queued), refusing a
// call with a rejected promise, the options, and the mapping from uriOrPath
// to a URI.
#pragma once

#include <node_api.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bindings/node/src/jobs.hpp"
#include "bindings/node/src/worker.hpp"

namespace sds::node {

// Behind an SDS_NativeDatabase.
struct DatabaseHandle {
  std::shared_ptr<Worker> worker;
  std::shared_ptr<DatabaseSlot> slot;
  bool closed = false;
};

// Behind an SDS_NativePersistenceProvider. A provider made from a uriOrPath
// owns its database; one made by SDS_NativeDatabase.store() shares it.
struct ProviderHandle {
  std::shared_ptr<Worker> worker;
  std::shared_ptr<StoreSlot> slot;
  bool owns_database = false;
  bool closed = false;
};

// The type tag of SDS_NativeDatabase objects, so that a provider's
// constructor can tell one from any other object.
extern const napi_type_tag kDatabaseTag;

// A promise for `job`: run at once on the JS thread when `worker` allows it
// (Worker::may_run_here) and no other call ran there in this turn of JS
// (claim_turn), else queued on `worker` (docs/DESIGN.md section 15.4).
napi_value call_on(napi_env env, Worker& worker, std::unique_ptr<Job> job);
// A promise rejected with `failure`.
napi_value rejected(napi_env env, const Failure& failure);
// A promise resolved with undefined.
napi_value resolved(napi_env env);
// What a call after close() rejects with.
Failure closed_failure(const DatabaseHandle& handle);
Failure closed_failure(const ProviderHandle& handle);

// A string is a URI when it starts with a registered scheme and a colon;
// anything else is a path, meaning `sds-node:PATH` (with `%` and `?`
// percent-encoded, so the path is read back exactly).
std::string uri_of(std::string_view uri_or_path);

// The options of a constructor (undefined, or an object): jsThreadBudgetMs,
// a Number >= 0 or Infinity. Refuses anything else with invalid_argument
// naming `what`.
JsThreadBudget budget_option(napi_env env, napi_value options, const char* what);

// A new worker whose first job opens `uri` (a failure is kept in the slot
// and rejects every later call).
std::shared_ptr<Worker> open_on_worker(napi_env env, const std::shared_ptr<DatabaseSlot>& slot,
                                       JsThreadBudget budget);

// Per environment (the main thread, or one of worker_threads): the provider
// class, for SDS_NativeDatabase.store(), the workers started in it, and the
// state of claim_turn().
struct InstanceData {
  napi_ref provider_class = nullptr;
  std::vector<std::weak_ptr<Worker>> workers;
  napi_ref queue_microtask = nullptr;  // the global queueMicrotask, as the module loaded
  napi_ref end_turn = nullptr;         // the function claim_turn() gives it
  bool turn_claimed = false;
};
InstanceData& instance_data(napi_env env);
// Fills in queue_microtask and end_turn; the module's init calls it.
void prepare_turns(napi_env env, InstanceData& instance);

// JS thread: true for the first call that asks in this turn of JS, false for
// the others until the microtasks queued before the claim have run (a
// microtask it queues ends the turn). So of calls made together, as a burst
// of appends not awaited, only the first may run on the JS thread, and the
// others go to the worker, which writes them together; an awaited call comes
// after its predecessor's turn ended.
bool claim_turn(napi_env env);

// Every worker of this environment finishes its queue and ends, before the
// process exits (index.js calls it on the process's 'exit' event). Without
// it, process.exit() would run the library's static destructors while a
// worker thread is still inside a call.
void stop_all(napi_env env);

// The JS classes' constructors, made by define_*_class.
napi_value define_provider_class(napi_env env);
napi_value define_database_class(napi_env env);

// The provider class, for SDS_NativeDatabase.store().
napi_value provider_class(napi_env env);

}  // namespace sds::node
