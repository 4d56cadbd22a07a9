// Keys of the raw subjects: the engine's key shapes (docs/FORMAT.md) for its
// first store, so that both sides' B-trees hold keys of the same lengths.
#pragma once

#include <cstdint>
#include <sds/types.hpp>
#include <string>
#include <string_view>

namespace sds::baselines {

inline std::string store_prefix() {
  // 'S', then store number 1 as a big-endian u64.
  return std::string("S\0\0\0\0\0\0\0\1", 9);
}

inline std::string patch_key(Clock clock) {
  std::string key = store_prefix() + "p";
  for (int shift = 56; shift >= 0; shift -= 8) key += static_cast<char>(clock >> shift);
  return key;
}

// Just past every patch key of the store: where a patch scan ends.
inline std::string patches_end() { return store_prefix() + "q"; }

inline std::string snapshot_clock_key() { return store_prefix() + "m"; }
inline std::string snapshot_key() { return store_prefix() + "s"; }
inline std::string blob_key(std::string_view hash) {
  std::string key = "B";
  key += hash;
  return key;
}

inline std::string encode_clock(Clock clock) {
  std::string bytes;
  for (int shift = 0; shift < 64; shift += 8) bytes += static_cast<char>(clock >> shift);
  return bytes;
}

}  // namespace sds::baselines
