// The native side of the two JS classes, and what their methods share:
// making a promise for a queued call, refusing a call with a rejected promise,
// and the mapping from uriOrPath to a URI.
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

// A promise for `job`, queued on `worker`.
napi_value queue_call(napi_env env, Worker& worker, std::unique_ptr<Job> job);
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

// A new worker whose first job opens `uri` (a failure is kept in the slot
// and rejects every later call).
std::shared_ptr<Worker> open_on_worker(napi_env env, const std::shared_ptr<DatabaseSlot>& slot);

// Per environment (the main thread, or one of worker_threads): the provider
// class, for SDS_NativeDatabase.store(), and the workers started in it.
struct InstanceData {
  napi_ref provider_class = nullptr;
  std::vector<std::weak_ptr<Worker>> workers;
};
InstanceData& instance_data(napi_env env);

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
