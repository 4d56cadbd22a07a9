// One Engine per opened path per process: opening a path that is open already
// shares its backend handle (LMDB forbids two environments on one path, and one
// writer lock per process keeps the store figures exact).
#pragma once

#include <memory>

#include "core/engine.hpp"
#include "sds/registry.hpp"

namespace sds::core {

// The engine open on config.path for `info`'s scheme, or a newly opened one.
// Paths in info.private_paths are never shared. Throws invalid_argument when
// the path is open with other parameters, busy when it is open read-only and
// a writer asks for it, and whatever the backend throws when it cannot open.
std::shared_ptr<Engine> acquire_engine(const BackendInfo& info, const BackendConfig& config);

}  // namespace sds::core
