// A backend of our own, outside the sds tree: the kv trait of <sds/kv.hpp>
// over a std::map, registered as the scheme `mapkv:NAME`. It shows what a
// third-party backend is: one class deriving from sds::kv::Backend and a
// BackendInfo handed to sds::register_backend().
#pragma once

#include <sds/registry.hpp>

namespace mapkv {

// The scheme's description: a map per NAME, shared by every open of that name
// until the process ends; capabilities none (nothing outlives the process).
sds::BackendInfo backend_info();

}  // namespace mapkv
