// What the files of the C API (include/sds_persistence.h) share: the structs
// behind the opaque handles, the guard that turns every exception into an
// sdsp_code, and the copying of results into memory the caller frees with
// our functions (docs/DESIGN.md section 14).
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sds/database.hpp"
#include "sds/error.hpp"
#include "sds/store.hpp"
#include "sds/types.hpp"
#include "sds/write_batch.hpp"
#include "sds_persistence.h"

struct sdsp_database {
  std::unique_ptr<sds::Database> database;
};

struct sdsp_store {
  std::unique_ptr<sds::Store> store;
};

struct sdsp_batch {
  sds::WriteBatch batch;
};

namespace sds::capi {

// Runs `body`; returns SDSP_OK, or the code of what it threw, with the error
// object in *error when `error` is not NULL. Nothing escapes it.
sdsp_code guard(sdsp_error** error, const std::function<void()>& body) noexcept;

// The sdsp_code of an exception, as guard() reports it.
sdsp_code code_of(std::exception_ptr exception) noexcept;

// Throws invalid_argument naming `what` (the function and the parameter)
// unless `condition` holds: for NULL handles and pointers.
void require(bool condition, const char* what);

// The caller's (pointer, size) as bytes or a string; NULL is allowed only
// with size 0.
ByteView bytes_of(const void* data, std::size_t size, const char* what);
std::string_view text_of(const void* data, std::size_t size, const char* what);

// Copies into memory that sdsp_bytes_free() and the list frees release: one
// NUL after the bytes. Throws std::bad_alloc.
sdsp_bytes copy_bytes(ByteView bytes);
char* copy_string(std::string_view text);
// A list of copies of `items`; frees what it made when an allocation fails.
sdsp_bytes_list copy_list(const std::vector<std::string>& items);
sdsp_bytes_list copy_list(const std::vector<Bytes>& items);

}  // namespace sds::capi
