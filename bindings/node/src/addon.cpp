// The module of sds-persistence-native (bindings/node/index.js loads it):
// the two classes and backends().
#include "bindings/node/src/handles.hpp"
#include "sds/registry.hpp"
#include "sds/version.hpp"

namespace sds::node {

namespace {

void free_instance_data(napi_env env, void* data, void*) {
  auto* instance = static_cast<InstanceData*>(data);
  napi_delete_reference(env, instance->provider_class);
  napi_delete_reference(env, instance->queue_microtask);
  napi_delete_reference(env, instance->end_turn);
  delete instance;
}

napi_value list_backends(napi_env env, napi_callback_info) {
  return js_entry(env, [&] { return string_array(env, backends()); });
}

napi_value stop_workers(napi_env env, napi_callback_info) {
  return js_entry(env, [&] {
    stop_all(env);
    return undefined(env);
  });
}

napi_value function(napi_env env, const char* name, napi_callback callback) {
  napi_value result = nullptr;
  check(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, callback, nullptr, &result),
        "napi_create_function");
  return result;
}

napi_value init(napi_env env, napi_value exports) {
  return js_entry(env, [&] {
    napi_value provider = define_provider_class(env);
    auto instance = std::make_unique<InstanceData>();
    check(env, napi_create_reference(env, provider, 1, &instance->provider_class),
          "napi_create_reference");
    prepare_turns(env, *instance);
    check(env, napi_set_instance_data(env, instance.get(), free_instance_data, nullptr),
          "napi_set_instance_data");
    instance.release();
    set(env, exports, "SDS_NativePersistenceProvider", provider);
    set(env, exports, "SDS_NativeDatabase", define_database_class(env));
    set(env, exports, "backends", function(env, "backends", list_backends));
    set(env, exports, "stopWorkers", function(env, "stopWorkers", stop_workers));
    set(env, exports, "version", string(env, version()));
    return exports;
  });
}

}  // namespace

napi_value provider_class(napi_env env) {
  void* data = nullptr;
  check(env, napi_get_instance_data(env, &data), "napi_get_instance_data");
  napi_value constructor = nullptr;
  check(
      env,
      napi_get_reference_value(env, static_cast<InstanceData*>(data)->provider_class, &constructor),
      "napi_get_reference_value");
  return constructor;
}

}  // namespace sds::node

NAPI_MODULE_INIT() { return sds::node::init(env, exports); }
