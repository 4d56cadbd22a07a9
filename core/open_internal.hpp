// From a URI to the core's engine: what open_database() does before it wraps
// the engine in a Database. Tools that read or write records directly (sdsctl
// verify, copy) start here.
#pragma once

#include <memory>
#include <string_view>

#include "core/engine.hpp"
#include "core/store_options.hpp"
#include "sds/database.hpp"

namespace sds::core {

struct OpenedEngine {
  std::shared_ptr<Engine> engine;
  StoreOptions options;  // from the URI's common parameters
};

// Parses and checks `uri`, then opens (or shares) its engine. Throws as
// sds::open_database() does.
OpenedEngine open_engine(std::string_view uri, const OpenOptions& options);

}  // namespace sds::core
