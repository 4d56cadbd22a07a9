// SDS_NativeDatabase: an sds::Database whose stores are providers sharing
// its worker, so that appends to several stores coalesce too.
#include <string>

#include "bindings/node/src/handle_lifecycle.hpp"

namespace sds::node {

namespace {

DatabaseHandle& unwrap(napi_env env, napi_value self) {
  bool is_database = false;
  void* data = nullptr;
  if (napi_check_object_type_tag(env, self, &kDatabaseTag, &is_database) != napi_ok ||
      !is_database || napi_unwrap(env, self, &data) != napi_ok || data == nullptr) {
    invalid_argument("`this` is not an SDS_NativeDatabase");
  }
  return *static_cast<DatabaseHandle*>(data);
}

using Slot = std::shared_ptr<DatabaseSlot>;

napi_value stores(napi_env env, napi_callback_info info) {
  return queued_call<unwrap, 0>(env, info, [](napi_env, const Slot& slot, napi_value*) {
    return std::make_unique<CallJob<std::vector<std::string>>>(
        CallKind::worker_only, [slot] { return slot->get().stores(); },
        [](napi_env env, std::vector<std::string>& ids) { return string_array(env, ids); });
  });
}

napi_value drop_store(napi_env env, napi_callback_info info) {
  return queued_call<unwrap, 1>(env, info, [](napi_env env, const Slot& slot, napi_value* args) {
    std::string id = string_arg(env, args[0], "dropStore: StoreId");
    return std::make_unique<VoidJob>(CallKind::worker_only,
                                     [slot, id] { slot->get().drop_store(id); });
  });
}

std::unique_ptr<Job> close_job(const Slot& slot) {
  return std::make_unique<VoidJob>(CallKind::worker_only, [slot] {
    std::unique_ptr<Database> database = std::move(slot->database);
    if (database) database->close();
  });
}

// Providers made by store() stay usable, as sds::Database promises.
napi_value close(napi_env env, napi_callback_info info) {
  return js_entry(env, [&]() -> napi_value {
    auto call = call_info<0>(env, info);
    DatabaseHandle& handle = unwrap(env, call.self);
    return close_handle(env, handle, close_job(handle.slot));
  });
}

// store(id): a provider on this database, sharing its worker.
napi_value store(napi_env env, napi_callback_info info) {
  return js_entry(env, [&] {
    auto call = call_info<1>(env, info);
    unwrap(env, call.self);
    napi_value args[2] = {call.self, call.args[0]};
    napi_value provider = nullptr;
    check(env, napi_new_instance(env, provider_class(env), 2, args, &provider),
          "napi_new_instance");
    return provider;
  });
}

napi_value uri(napi_env env, napi_callback_info info) {
  return js_entry(env, [&] {
    auto call = call_info<0>(env, info);
    return string(env, unwrap(env, call.self).slot->uri);
  });
}

void finalize(napi_env env, void* data, void*) {
  finalize_handle(env, static_cast<DatabaseHandle*>(data),
                  [](const DatabaseHandle& handle) { return close_job(handle.slot); });
}

// new SDS_NativeDatabase(uriOrPath, options); openDatabase() in index.js
// waits for ready() too.
napi_value construct(napi_env env, napi_callback_info info) {
  return js_entry(env, [&]() -> napi_value {
    auto call = call_info<2>(env, info);
    auto handle = std::make_unique<DatabaseHandle>();
    handle->slot = std::make_shared<DatabaseSlot>();
    handle->slot->uri = uri_of(string_arg(env, call.args[0], "openDatabase: URI or path"));
    const JsThreadBudget budget = budget_option(env, call.args[1], "openDatabase");
    handle->worker = open_on_worker(env, handle->slot, budget);
    handle->worker->retain();
    check(env, napi_type_tag_object(env, call.self, &kDatabaseTag), "napi_type_tag_object");
    check(env, napi_wrap(env, call.self, handle.get(), finalize, nullptr, nullptr), "napi_wrap");
    handle.release();
    return call.self;
  });
}

}  // namespace

napi_value define_database_class(napi_env env) {
  const napi_property_descriptor properties[] = {
      method("store", store),
      method("stores", stores),
      method("dropStore", drop_store),
      method("flush", flush_call<unwrap>),
      method("stats", stats_call<unwrap, database_stats_object>),
      method("ready", ready_call<unwrap>),
      method("close", close),
      method("queueStats", queue_stats<unwrap>),
      getter("uri", uri),
  };
  return define_class(env, "SDS_NativeDatabase", construct, properties);
}

}  // namespace sds::node
