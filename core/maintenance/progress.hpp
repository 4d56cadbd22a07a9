// How maintenance work reports its progress.
#pragma once

#include <cstdint>
#include <functional>

namespace sds::core::maintenance {

// Called as work advances: `done` out of `total` bytes (total 0: unknown).
using Progress = std::function<void(std::uint64_t done, std::uint64_t total)>;

}  // namespace sds::core::maintenance
