// One SharedBackend per opened path per process: opening a path that is open already
// shares its backend handle (LMDB forbids two environments on one path, and one
// writer lock per process keeps the store figures exact).
#pragma once

#include <memory>

#include "core/shared_backend.hpp"
#include "sds/registry.hpp"

namespace sds::core {

// The SharedBackend open on config.path for `info`'s scheme, or a newly opened one.
// Paths in info.private_paths are never shared. Throws invalid_argument when
// the path is open with other parameters, busy when it is open read-only and
// a writer asks for it, and whatever the backend throws when it cannot open.
std::shared_ptr<SharedBackend> acquire_shared_backend(const BackendInfo& info,
                                                      const BackendConfig& config);

}  // namespace sds::core
