#include "bindings/node/src/handles.hpp"

#include <algorithm>
#include <cctype>

#include "sds/registry.hpp"

namespace sds::node {

const napi_type_tag kDatabaseTag = {0x5d5a7e1c0b3f4a21ULL, 0x9c4e2d7a61f08b35ULL};

napi_value queue_call(napi_env env, Worker& worker, std::unique_ptr<Job> job) {
  napi_value promise = nullptr;
  check(env, napi_create_promise(env, &job->deferred, &promise), "napi_create_promise");
  worker.submit(env, std::move(job));
  return promise;
}

napi_value rejected(napi_env env, const Failure& failure) {
  napi_deferred deferred = nullptr;
  napi_value promise = nullptr;
  check(env, napi_create_promise(env, &deferred, &promise), "napi_create_promise");
  check(env, napi_reject_deferred(env, deferred, make_error(env, failure)), "napi_reject_deferred");
  return promise;
}

napi_value resolved(napi_env env) {
  napi_deferred deferred = nullptr;
  napi_value promise = nullptr;
  check(env, napi_create_promise(env, &deferred, &promise), "napi_create_promise");
  check(env, napi_resolve_deferred(env, deferred, undefined(env)), "napi_resolve_deferred");
  return promise;
}

Failure closed_failure(const DatabaseHandle&) { return {"closed", "the database is closed", ""}; }

Failure closed_failure(const ProviderHandle& handle) {
  return {"closed", "the provider of store '" + handle.slot->id + "' is closed", ""};
}

std::string uri_of(std::string_view uri_or_path) {
  const std::size_t colon = uri_or_path.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    std::string scheme(uri_or_path.substr(0, colon));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto schemes = backends();
    if (std::find(schemes.begin(), schemes.end(), scheme) != schemes.end()) {
      return std::string(uri_or_path);
    }
  }
  std::string uri = "sds-node:";
  for (const char c : uri_or_path) {
    if (c == '%') {
      uri += "%25";
    } else if (c == '?') {
      uri += "%3F";
    } else {
      uri += c;
    }
  }
  return uri;
}

InstanceData& instance_data(napi_env env) {
  void* data = nullptr;
  check(env, napi_get_instance_data(env, &data), "napi_get_instance_data");
  return *static_cast<InstanceData*>(data);
}

void stop_all(napi_env env) {
  for (const auto& tracked : instance_data(env).workers) {
    if (auto worker = tracked.lock()) worker->stop_and_join();
  }
}

std::shared_ptr<Worker> open_on_worker(napi_env env, const std::shared_ptr<DatabaseSlot>& slot) {
  auto worker = Worker::start(env);
  auto& workers = instance_data(env).workers;
  std::erase_if(workers, [](const std::weak_ptr<Worker>& tracked) { return tracked.expired(); });
  workers.push_back(worker);
  worker->submit(env, std::make_unique<VoidJob>([slot] {
                   try {
                     slot->database = open_database(slot->uri);
                   } catch (...) {
                     slot->open_failure = current_failure();
                   }
                 }));
  return worker;
}

}  // namespace sds::node
