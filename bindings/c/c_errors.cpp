// The errors of the C API: sdsp_error, the code names, and the guard that
// keeps every exception inside the library.
#include <new>
#include <string>

#include "bindings/c/c_api.hpp"

struct sdsp_error {
  sdsp_code code;
  std::string message;
  std::string advice;
};

namespace {

// The sds::Errc numbers are fixed by the C header: 1 to 9 in Errc's order.
static_assert(SDSP_INVALID_ARGUMENT == 1 && SDSP_CLOSED == 9);
static_assert(static_cast<int>(sds::Errc::invalid_argument) + 1 == SDSP_INVALID_ARGUMENT);
static_assert(static_cast<int>(sds::Errc::unsupported) + 1 == SDSP_UNSUPPORTED);
static_assert(static_cast<int>(sds::Errc::not_found) + 1 == SDSP_NOT_FOUND);
static_assert(static_cast<int>(sds::Errc::corruption) + 1 == SDSP_CORRUPTION);
static_assert(static_cast<int>(sds::Errc::version) + 1 == SDSP_VERSION);
static_assert(static_cast<int>(sds::Errc::io_error) + 1 == SDSP_IO_ERROR);
static_assert(static_cast<int>(sds::Errc::full) + 1 == SDSP_FULL);
static_assert(static_cast<int>(sds::Errc::busy) + 1 == SDSP_BUSY);
static_assert(static_cast<int>(sds::Errc::closed) + 1 == SDSP_CLOSED);

// Handed out when not even the error object can be allocated; never freed.
sdsp_error out_of_memory_error{SDSP_OUT_OF_MEMORY, "out of memory", ""};

sdsp_code fail(sdsp_error** error, sdsp_code code, std::string_view message,
               std::string_view advice) noexcept {
  if (error != nullptr) {
    try {
      *error = new sdsp_error{code, std::string(message), std::string(advice)};
    } catch (...) {
      *error = &out_of_memory_error;
    }
  }
  return code;
}

}  // namespace

namespace sds::capi {

sdsp_code code_of(std::exception_ptr exception) noexcept {
  try {
    std::rethrow_exception(exception);
  } catch (const sds::Error& e) {
    return static_cast<sdsp_code>(static_cast<int>(e.code()) + 1);
  } catch (const std::bad_alloc&) {
    return SDSP_OUT_OF_MEMORY;
  } catch (...) {
    return SDSP_INTERNAL;
  }
}

sdsp_code guard(sdsp_error** error, const std::function<void()>& body) noexcept {
  try {
    body();
    return SDSP_OK;
  } catch (const sds::Error& e) {
    return fail(error, static_cast<sdsp_code>(static_cast<int>(e.code()) + 1), e.message(),
                e.advice());
  } catch (const std::bad_alloc&) {
    return fail(error, SDSP_OUT_OF_MEMORY, "out of memory", "");
  } catch (const std::exception& e) {
    return fail(error, SDSP_INTERNAL, e.what(), "report this as a bug of sds-persistence");
  } catch (...) {
    return fail(error, SDSP_INTERNAL, "an unknown exception",
                "report this as a bug of sds-persistence");
  }
}

void require(bool condition, const char* what) {
  if (!condition) throw Error(Errc::invalid_argument, std::string(what) + " is NULL");
}

}  // namespace sds::capi

extern "C" {

const char* sdsp_code_name(sdsp_code code) {
  switch (code) {
    case SDSP_OK:
      return "ok";
    case SDSP_OUT_OF_MEMORY:
      return "out_of_memory";
    case SDSP_INTERNAL:
      return "internal";
    default:
      if (code >= SDSP_INVALID_ARGUMENT && code <= SDSP_CLOSED) {
        return sds::to_string(static_cast<sds::Errc>(code - 1));
      }
      return "unknown";
  }
}

sdsp_code sdsp_error_code(const sdsp_error* error) {
  return error == nullptr ? SDSP_OK : error->code;
}

const char* sdsp_error_message(const sdsp_error* error) {
  return error == nullptr ? "" : error->message.c_str();
}

const char* sdsp_error_advice(const sdsp_error* error) {
  return error == nullptr ? "" : error->advice.c_str();
}

sdsp_error* sdsp_error_new(sdsp_code code, const char* message, const char* advice) {
  try {
    return new sdsp_error{code, message == nullptr ? "" : message, advice == nullptr ? "" : advice};
  } catch (...) {
    return nullptr;
  }
}

void sdsp_error_free(sdsp_error* error) {
  if (error != &out_of_memory_error) delete error;
}

}  // extern "C"
