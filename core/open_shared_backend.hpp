// From a URI to the core's SharedBackend: what open_database() does before it wraps
// the SharedBackend in a Database. Tools that read or write records directly (sdsctl
// verify, copy) start here.
#pragma once

#include <memory>
#include <string_view>

#include "core/shared_backend.hpp"
#include "core/store_options.hpp"
#include "sds/database.hpp"

namespace sds::core {

struct OpenedBackend {
  std::shared_ptr<SharedBackend> shared;
  StoreOptions options;  // from the URI's common parameters
};

// Parses and checks `uri`, then opens (or shares) its SharedBackend. Throws as
// sds::open_database() does.
OpenedBackend open_shared_backend(std::string_view uri, const OpenOptions& options);

}  // namespace sds::core
