// Vocabulary types and the hard limits shared by every backend.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace sds {

using Clock = std::uint64_t;              // SDS_PatchSeqNumber
using Bytes = std::vector<std::uint8_t>;  // Uint8Array
using ByteView = std::span<const std::uint8_t>;

// Store ids are 1 to 4096 arbitrary bytes (NUL and '/' included).
inline constexpr std::size_t kMaxStoreIdBytes = 4096;
// Blob hashes are 1 to 256 arbitrary bytes.
inline constexpr std::size_t kMaxHashBytes = 256;
// One snapshot, patch or blob holds at most 512 MiB (uncompressed).
inline constexpr std::size_t kMaxValueBytes = std::size_t{512} << 20;
// accumulated_bytes() at which checkpoint_due() turns true, unless the URI's
// checkpoint_bytes parameter says otherwise.
inline constexpr std::uint64_t kDefaultCheckpointBytes = std::uint64_t{512} << 10;

// Views the bytes of a string without copying.
inline ByteView as_bytes(std::string_view text) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Views bytes as a string without copying (for keys and messages).
inline std::string_view as_chars(ByteView bytes) noexcept {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace sds
