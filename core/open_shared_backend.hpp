// From a URI to the core's SharedBackend: what open_database() does before it wraps
// the SharedBackend in a Database. Tools that read or write records directly (sdsctl
// verify, copy) start here.
#pragma once

#include <memory>
#include <string_view>

#include "core/shared_backend.hpp"
#include "core/store_options.hpp"
#include "sds/database.hpp"
#include "sds/registry.hpp"

namespace sds::core {

struct OpenedBackend {
  std::shared_ptr<SharedBackend> shared;
  StoreOptions options;  // from the URI's common parameters
};

// Parses and checks `uri`, then opens (or shares) its SharedBackend. Throws as
// sds::open_database() does.
OpenedBackend open_shared_backend(std::string_view uri, const OpenOptions& options);

// What open_shared_backend() opens, without opening it: the scheme's
// BackendInfo, and the BackendConfig with the path checked and made canonical
// (docs/DESIGN.md section 8.4). Throws as open_shared_backend() does before
// it reaches the backend.
struct ResolvedUri {
  BackendInfo info;
  BackendConfig config;
  StoreOptions options;
};
ResolvedUri resolve_uri(std::string_view uri, const OpenOptions& options);

}  // namespace sds::core
