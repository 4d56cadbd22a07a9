#include "bindings/node/src/handles.hpp"

#include <algorithm>
#include <cctype>

#include "sds/registry.hpp"

namespace sds::node {

const napi_type_tag kDatabaseTag = {0x5d5a7e1c0b3f4a21ULL, 0x9c4e2d7a61f08b35ULL};

napi_value call_on(napi_env env, Worker& worker, std::unique_ptr<Job> job) {
  napi_value promise = nullptr;
  check(env, napi_create_promise(env, &job->deferred, &promise), "napi_create_promise");
  if (worker.may_run_here(*job) && claim_turn(env)) {
    worker.run_here(env, std::move(job));
  } else {
    worker.submit(env, std::move(job));
  }
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

JsThreadBudget budget_option(napi_env env, napi_value options, const char* what) {
  JsThreadBudget budget;
  napi_valuetype type = napi_undefined;
  check(env, napi_typeof(env, options, &type), "napi_typeof");
  if (type == napi_undefined) return budget;
  if (type != napi_object) invalid_argument(std::string(what) + ": the options must be an object");
  napi_value value = nullptr;
  check(env, napi_get_named_property(env, options, "jsThreadBudgetMs", &value),
        "napi_get_named_property");
  if (is_undefined(env, value)) return budget;
  const std::string name = std::string(what) + ": jsThreadBudgetMs";
  const double milliseconds = duration_ms_arg(env, value, name.c_str());
  const double nanoseconds = milliseconds * 1e6;
  if (milliseconds == 0) {
    budget.nanoseconds = JsThreadBudget::kNever;
  } else if (nanoseconds >= static_cast<double>(JsThreadBudget::kAny)) {  // Infinity
    budget.nanoseconds = JsThreadBudget::kAny;
  } else {
    budget.nanoseconds = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(nanoseconds));
  }
  return budget;
}

InstanceData& instance_data(napi_env env) {
  void* data = nullptr;
  check(env, napi_get_instance_data(env, &data), "napi_get_instance_data");
  return *static_cast<InstanceData*>(data);
}

namespace {

napi_value end_turn(napi_env env, napi_callback_info info) {
  void* data = nullptr;
  if (napi_get_cb_info(env, info, nullptr, nullptr, nullptr, &data) == napi_ok) {
    static_cast<InstanceData*>(data)->turn_claimed = false;
  }
  return nullptr;
}

}  // namespace

void prepare_turns(napi_env env, InstanceData& instance) {
  napi_value global = nullptr, queue_microtask = nullptr, end = nullptr;
  check(env, napi_get_global(env, &global), "napi_get_global");
  check(env, napi_get_named_property(env, global, "queueMicrotask", &queue_microtask),
        "queueMicrotask");
  check(env, napi_create_function(env, "endTurn", NAPI_AUTO_LENGTH, end_turn, &instance, &end),
        "napi_create_function");
  check(env, napi_create_reference(env, queue_microtask, 1, &instance.queue_microtask),
        "napi_create_reference");
  check(env, napi_create_reference(env, end, 1, &instance.end_turn), "napi_create_reference");
}

// Without a microtask to end the turn, the call goes to the worker.
bool claim_turn(napi_env env) {
  InstanceData& instance = instance_data(env);
  if (instance.turn_claimed) return false;
  napi_value global = nullptr, queue_microtask = nullptr, end = nullptr;
  if (napi_get_global(env, &global) != napi_ok ||
      napi_get_reference_value(env, instance.queue_microtask, &queue_microtask) != napi_ok ||
      napi_get_reference_value(env, instance.end_turn, &end) != napi_ok) {
    return false;
  }
  if (napi_call_function(env, global, queue_microtask, 1, &end, nullptr) != napi_ok) {
    napi_value ignored = nullptr;  // never thrown to the caller of the method
    napi_get_and_clear_last_exception(env, &ignored);
    return false;
  }
  instance.turn_claimed = true;
  return true;
}

void stop_all(napi_env env) {
  for (const auto& tracked : instance_data(env).workers) {
    if (auto worker = tracked.lock()) worker->stop_and_join();
  }
}

std::shared_ptr<Worker> open_on_worker(napi_env env, const std::shared_ptr<DatabaseSlot>& slot,
                                       JsThreadBudget budget) {
  auto worker = Worker::start(env, budget);
  auto& workers = instance_data(env).workers;
  std::erase_if(workers, [](const std::weak_ptr<Worker>& tracked) { return tracked.expired(); });
  workers.push_back(worker);
  worker->submit(env, std::make_unique<VoidJob>(CallKind::worker_only, [slot] {
                   try {
                     slot->database = open_database(slot->uri);
                   } catch (...) {
                     slot->open_failure = current_failure();
                   }
                 }));
  return worker;
}

}  // namespace sds::node
