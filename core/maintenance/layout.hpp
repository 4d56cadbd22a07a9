// What maintenance needs of the layout beyond core/payloads.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/payloads.hpp"
#include "sds/types.hpp"

namespace sds::core::maintenance {

// Called as work advances: `done` out of `total` bytes (total 0: unknown).
using Progress = std::function<void(std::uint64_t done, std::uint64_t total)>;

// The length of "S" number: what a store record's key has before its suffix.
inline constexpr std::size_t kStorePrefixBytes = 1 + 8;

// The store number of a key made by keys::store_begin() and the like.
std::uint64_t store_number(std::string_view key);

}  // namespace sds::core::maintenance
