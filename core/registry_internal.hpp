// The core's side of the registry: looking a scheme up for open_database().
#pragma once

#include <string_view>

#include "sds/registry.hpp"

namespace sds::core {

// The backend serving `scheme`. Throws invalid_argument for a scheme nobody
// registered (listing the known ones) and unsupported for one this build left
// out (saying how to get it); `uri` is quoted in the message.
BackendInfo find_backend(std::string_view scheme, std::string_view uri);

}  // namespace sds::core
