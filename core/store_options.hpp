// The per-open settings of the core, from the URI's common parameters.
#pragma once

#include <cstdint>

#include "core/record.hpp"
#include "sds/types.hpp"

namespace sds::core {

struct StoreOptions {
  std::uint64_t checkpoint_bytes = kDefaultCheckpointBytes;
  Compression compression;
  bool read_only = false;
};

}  // namespace sds::core
