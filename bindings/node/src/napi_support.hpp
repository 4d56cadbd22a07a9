// The small layer over node_api.h that the addon's classes share: status
// checks, argument conversion with the contract's checks (clocks, bytes,
// strings), results as JS values, and errors carrying an Errc name as `code`.
#pragma once

#include <node_api.h>

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "sds/types.hpp"

namespace sds::node {

// What a call failed with: the Errc name (or "out_of_memory", "internal"),
// the message and the advice. Made on the worker, turned into a JS Error on
// the JS thread.
struct Failure {
  std::string code;
  std::string message;
  std::string advice;
};

// Thrown on the JS thread when a node_api call fails, or to refuse an
// argument (then `failure` is what the caller's promise rejects with).
struct JsFailure : std::runtime_error {
  explicit JsFailure(Failure f) : std::runtime_error(f.message), failure(std::move(f)) {}
  Failure failure;
};

// The Failure of the exception being handled (call inside a catch block).
Failure current_failure() noexcept;

// Throws JsFailure{"internal", ...} unless status is napi_ok.
void check(napi_env env, napi_status status, const char* what);

// Throws JsFailure{"invalid_argument", ...}.
[[noreturn]] void invalid_argument(const std::string& message);

// An Error whose message is "message; advice", with `code` and `advice`.
napi_value make_error(napi_env env, const Failure& failure);

// Argument readers; each refuses a wrong type with invalid_argument naming
// `what` ("appendPatch: SeqNumber").
// A clock: a Number for which Number.isSafeInteger holds, >= 0; never rounded.
Clock clock_arg(napi_env env, napi_value value, const char* what);
// A Uint8Array (a Buffer is one), copied once.
Bytes bytes_arg(napi_env env, napi_value value, const char* what);
std::string string_arg(napi_env env, napi_value value, const char* what);
// A duration in milliseconds: a Number >= 0, Infinity included (not NaN).
double duration_ms_arg(napi_env env, napi_value value, const char* what);
bool is_undefined(napi_env env, napi_value value);

// Results.
napi_value undefined(napi_env env);
napi_value number(napi_env env, double value);
// A clock or byte count as a Number; above 2^53-1 it is refused (a Number
// cannot hold it exactly) with `unsupported`.
napi_value safe_number(napi_env env, std::uint64_t value, const char* what);
napi_value boolean(napi_env env, bool value);
napi_value string(napi_env env, std::string_view text);
// A Uint8Array over `bytes` without copying them (an external ArrayBuffer
// that owns them), or undefined for nullopt.
napi_value uint8_array(napi_env env, std::optional<Bytes> bytes);
// Uint8Arrays over one ArrayBuffer holding all of them: one copy.
napi_value uint8_arrays(napi_env env, const std::vector<Bytes>& list);
// An Array of strings.
napi_value string_array(napi_env env, const std::vector<std::string>& list);
void set(napi_env env, napi_value object, const char* name, napi_value value);

// A JS class: its methods and read-only properties, and the class itself.
napi_property_descriptor method(const char* name, napi_callback callback);
napi_property_descriptor getter(const char* name, napi_callback callback);  // enumerable
napi_value define_class(napi_env env, const char* name, napi_callback constructor,
                        std::span<const napi_property_descriptor> properties);

// Runs `body` as the body of a JS-facing callback: any exception becomes a
// thrown JS error, and nullptr is returned.
template <class Body>
napi_value js_entry(napi_env env, Body&& body) noexcept {
  try {
    return body();
  } catch (const JsFailure& e) {
    napi_throw(env, make_error(env, e.failure));
  } catch (...) {
    napi_throw(env, make_error(env, current_failure()));
  }
  return nullptr;
}

// The callback's `this` and up to N arguments (missing ones undefined).
template <std::size_t N>
struct CallInfo {
  napi_value self = nullptr;
  napi_value args[N > 0 ? N : 1] = {};
  std::size_t count = N;
};
template <std::size_t N>
CallInfo<N> call_info(napi_env env, napi_callback_info info) {
  CallInfo<N> call;
  check(env, napi_get_cb_info(env, info, &call.count, call.args, &call.self, nullptr),
        "napi_get_cb_info");
  return call;
}

}  // namespace sds::node
