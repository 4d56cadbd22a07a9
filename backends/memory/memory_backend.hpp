// memory: a std::map under a shared mutex. `memory:` is private to each open;
// `memory:NAME` is shared by every open of NAME and lives until the process ends.
#pragma once

#include "sds/registry.hpp"

namespace sds::backend {

BackendInfo memory_backend();

}  // namespace sds::backend
