// The schemes this build has compiled in, and those it knows but left out.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sds/registry.hpp"

namespace sds::core {

// The backends compiled into this build (per SDS_WITH_* option).
std::vector<BackendInfo> builtin_backends();

// For a scheme sds-persistence knows but this build does not have: how to get
// it ("rebuild with -DSDS_WITH_LMDB=ON"). nullopt for schemes it never heard of.
std::optional<std::string> how_to_enable(std::string_view scheme);

}  // namespace sds::core
