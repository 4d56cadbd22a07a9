#include "bindings/node/src/napi_support.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>

#include "sds/error.hpp"

namespace sds::node {

namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;  // Number.MAX_SAFE_INTEGER

// The owner of bytes lent to an external ArrayBuffer.
struct LentBytes {
  Bytes bytes;
};

void free_lent_bytes(napi_env env, void* /*data*/, void* hint) {
  auto* lent = static_cast<LentBytes*>(hint);
  int64_t ignored = 0;
  napi_adjust_external_memory(env, -static_cast<int64_t>(lent->bytes.size()), &ignored);
  delete lent;
}

std::string describe(napi_env env, napi_value value) {
  napi_valuetype type = napi_undefined;
  napi_typeof(env, value, &type);
  switch (type) {
    case napi_undefined:
      return "undefined";
    case napi_null:
      return "null";
    case napi_boolean:
      return "a boolean";
    case napi_number: {
      double number = 0;
      napi_get_value_double(env, value, &number);
      char text[64];
      std::snprintf(text, sizeof text, "%.17g", number);
      return text;
    }
    case napi_string:
      return "a string";
    case napi_bigint:
      return "a BigInt";
    case napi_symbol:
      return "a symbol";
    case napi_function:
      return "a function";
    default:
      return "an object";
  }
}

}  // namespace

Failure current_failure() noexcept {
  try {
    throw;
  } catch (const JsFailure& e) {
    return e.failure;
  } catch (const sds::Error& e) {
    return {to_string(e.code()), std::string(e.message()), std::string(e.advice())};
  } catch (const std::bad_alloc&) {
    return {"out_of_memory", "out of memory", ""};
  } catch (const std::exception& e) {
    return {"internal", e.what(), "report this as a bug of sds-persistence-native"};
  } catch (...) {
    return {"internal", "an unknown exception", "report this as a bug of sds-persistence-native"};
  }
}

void check(napi_env env, napi_status status, const char* what) {
  if (status == napi_ok) return;
  const napi_extended_error_info* info = nullptr;
  napi_get_last_error_info(env, &info);
  std::string message = std::string(what) + " failed";
  if (info != nullptr && info->error_message != nullptr)
    message += ": " + std::string(info->error_message);
  throw JsFailure({"internal", message, "report this as a bug of sds-persistence-native"});
}

void invalid_argument(const std::string& message) {
  throw JsFailure({"invalid_argument", message, ""});
}

napi_value make_error(napi_env env, const Failure& failure) {
  napi_value code = nullptr, message = nullptr, error = nullptr;
  const std::string text =
      failure.advice.empty() ? failure.message : failure.message + "; " + failure.advice;
  napi_create_string_utf8(env, failure.code.data(), failure.code.size(), &code);
  napi_create_string_utf8(env, text.data(), text.size(), &message);
  napi_create_error(env, code, message, &error);  // sets error.code
  napi_value advice = nullptr;
  napi_create_string_utf8(env, failure.advice.data(), failure.advice.size(), &advice);
  napi_set_named_property(env, error, "advice", advice);
  return error;
}

Clock clock_arg(napi_env env, napi_value value, const char* what) {
  napi_valuetype type = napi_undefined;
  check(env, napi_typeof(env, value, &type), "napi_typeof");
  double number = -1;
  if (type == napi_number) check(env, napi_get_value_double(env, value, &number), "get double");
  if (type != napi_number || !std::isfinite(number) || number < 0 || number > kMaxSafeInteger ||
      std::floor(number) != number) {
    invalid_argument(std::string(what) +
                     " must be a safe integer >= 0 (Number.isSafeInteger), not " +
                     describe(env, value));
  }
  return static_cast<Clock>(number);
}

Bytes bytes_arg(napi_env env, napi_value value, const char* what) {
  bool is_typed_array = false;
  check(env, napi_is_typedarray(env, value, &is_typed_array), "napi_is_typedarray");
  napi_typedarray_type type = napi_int8_array;
  std::size_t length = 0;
  void* data = nullptr;
  if (is_typed_array) {
    check(env, napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr),
          "napi_get_typedarray_info");
  }
  if (!is_typed_array || type != napi_uint8_array) {
    invalid_argument(std::string(what) + " must be a Uint8Array or a Buffer, not " +
                     describe(env, value));
  }
  const auto* begin = static_cast<const std::uint8_t*>(data);
  return Bytes(begin, begin + length);
}

double duration_ms_arg(napi_env env, napi_value value, const char* what) {
  napi_valuetype type = napi_undefined;
  check(env, napi_typeof(env, value, &type), "napi_typeof");
  double number = -1;
  if (type == napi_number) check(env, napi_get_value_double(env, value, &number), "get double");
  if (type != napi_number || !(number >= 0)) {  // NaN fails the comparison
    invalid_argument(std::string(what) +
                     " must be a number of milliseconds >= 0 (or Infinity), not " +
                     describe(env, value));
  }
  return number;
}

std::string string_arg(napi_env env, napi_value value, const char* what) {
  napi_valuetype type = napi_undefined;
  check(env, napi_typeof(env, value, &type), "napi_typeof");
  if (type != napi_string)
    invalid_argument(std::string(what) + " must be a string, not " + describe(env, value));
  std::size_t size = 0;
  check(env, napi_get_value_string_utf8(env, value, nullptr, 0, &size), "string length");
  std::string text(size, '\0');
  check(env, napi_get_value_string_utf8(env, value, text.data(), size + 1, &size), "string");
  return text;
}

bool is_undefined(napi_env env, napi_value value) {
  napi_valuetype type = napi_null;
  check(env, napi_typeof(env, value, &type), "napi_typeof");
  return type == napi_undefined;
}

napi_value undefined(napi_env env) {
  napi_value result = nullptr;
  check(env, napi_get_undefined(env, &result), "napi_get_undefined");
  return result;
}

napi_value number(napi_env env, double value) {
  napi_value result = nullptr;
  check(env, napi_create_double(env, value, &result), "napi_create_double");
  return result;
}

napi_value safe_number(napi_env env, std::uint64_t value, const char* what) {
  if (static_cast<double>(value) > kMaxSafeInteger) {
    throw JsFailure(
        {"unsupported",
         std::string(what) + " " + std::to_string(value) + " is above Number.MAX_SAFE_INTEGER",
         "a JavaScript number cannot hold it exactly"});
  }
  return number(env, static_cast<double>(value));
}

napi_value boolean(napi_env env, bool value) {
  napi_value result = nullptr;
  check(env, napi_get_boolean(env, value, &result), "napi_get_boolean");
  return result;
}

napi_value string(napi_env env, std::string_view text) {
  napi_value result = nullptr;
  check(env, napi_create_string_utf8(env, text.data(), text.size(), &result), "string");
  return result;
}

napi_value uint8_array(napi_env env, std::optional<Bytes> bytes) {
  if (!bytes) return undefined(env);
  const std::size_t size = bytes->size();
  napi_value buffer = nullptr;
  if (size > 0) {
    auto lent = std::make_unique<LentBytes>(LentBytes{std::move(*bytes)});
    void* data = lent->bytes.data();
    if (napi_create_external_arraybuffer(env, data, size, free_lent_bytes, lent.get(), &buffer) ==
        napi_ok) {
      lent.release();  // owned by the ArrayBuffer now
      int64_t ignored = 0;
      napi_adjust_external_memory(env, static_cast<int64_t>(size), &ignored);
    } else {  // a runtime that forbids external buffers: the one copy is here
      void* copy = nullptr;
      check(env, napi_create_arraybuffer(env, size, &copy, &buffer), "napi_create_arraybuffer");
      std::memcpy(copy, lent->bytes.data(), size);
    }
  } else {
    void* unused = nullptr;
    check(env, napi_create_arraybuffer(env, 0, &unused, &buffer), "napi_create_arraybuffer");
  }
  napi_value array = nullptr;
  check(env, napi_create_typedarray(env, napi_uint8_array, size, buffer, 0, &array),
        "napi_create_typedarray");
  return array;
}

napi_value uint8_arrays(napi_env env, const std::vector<Bytes>& list) {
  std::size_t total = 0;
  for (const Bytes& bytes : list) total += bytes.size();
  void* data = nullptr;
  napi_value buffer = nullptr, array = nullptr;
  check(env, napi_create_arraybuffer(env, total, &data, &buffer), "napi_create_arraybuffer");
  check(env, napi_create_array_with_length(env, list.size(), &array), "napi_create_array");
  std::size_t offset = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].empty())
      std::memcpy(static_cast<std::uint8_t*>(data) + offset, list[i].data(), list[i].size());
    napi_value item = nullptr;
    check(env, napi_create_typedarray(env, napi_uint8_array, list[i].size(), buffer, offset, &item),
          "napi_create_typedarray");
    check(env, napi_set_element(env, array, static_cast<uint32_t>(i), item), "napi_set_element");
    offset += list[i].size();
  }
  return array;
}

napi_value string_array(napi_env env, const std::vector<std::string>& list) {
  napi_value array = nullptr;
  check(env, napi_create_array_with_length(env, list.size(), &array), "napi_create_array");
  for (std::size_t i = 0; i < list.size(); ++i) {
    check(env, napi_set_element(env, array, static_cast<uint32_t>(i), string(env, list[i])),
          "napi_set_element");
  }
  return array;
}

void set(napi_env env, napi_value object, const char* name, napi_value value) {
  check(env, napi_set_named_property(env, object, name, value), "napi_set_named_property");
}

napi_property_descriptor method(const char* name, napi_callback callback) {
  return {name, nullptr, callback, nullptr, nullptr, nullptr, napi_default_method, nullptr};
}

napi_property_descriptor getter(const char* name, napi_callback callback) {
  return {name, nullptr, nullptr, callback, nullptr, nullptr, napi_enumerable, nullptr};
}

napi_value define_class(napi_env env, const char* name, napi_callback constructor,
                        std::span<const napi_property_descriptor> properties) {
  napi_value result = nullptr;
  check(env,
        napi_define_class(env, name, NAPI_AUTO_LENGTH, constructor, nullptr, properties.size(),
                          properties.data(), &result),
        "napi_define_class");
  return result;
}

}  // namespace sds::node
