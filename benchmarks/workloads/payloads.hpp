// The bytes workloads write: random (as json-joy's gzip snapshots and most
// blobs, which zstd cannot shrink) or compressible (as plain JSON).
#pragma once

#include <cstddef>
#include <cstdint>
#include <sds/types.hpp>

namespace sds::workloads {

enum class Content { random, compressible };

// `size` bytes of `content`; the same seed gives the same bytes.
Bytes make_payload(std::size_t size, Content content, std::uint64_t seed);

}  // namespace sds::workloads
