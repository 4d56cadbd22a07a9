// The entry layout of the sdsctl archive (docs/ARCHIVE.md), shared by its
// writer and its reader. Entry kinds are stored: never reuse or renumber one.
#pragma once

#include <cstdint>
#include <string_view>

#include "sds/types.hpp"

namespace sds::core::maintenance::archive {

// Every entry: kind (u8) | body length (u64 LE) | body | checksum (u64 LE),
// the checksum being XXH3-64 of kind, length and body.
inline constexpr std::size_t kEntryHeaderBytes = 1 + 8;
inline constexpr std::size_t kChecksumBytes = 8;

enum class Kind : std::uint8_t {
  header = 'H',  // magic, archive version u32, database format version u32
  store = 'S',   // the store id; the records up to the next store entry are its
  record = 'R',  // suffix length u32, suffix, codec u8, raw size u64, payload
  blob = 'B',    // hash length u32, hash, ref count i64, codec u8, raw size u64, payload
  end = 'E',     // entries before it u64, stores u64, records u64, blobs u64,
                 // XXH3-64 of every byte before it
};

inline constexpr std::string_view kMagic{"SDSARCHV", 8};

// A body holds at most one value of kMaxValueBytes plus its id or hash and a
// few fixed fields; a longer declared length is damage, refused before any
// allocation.
inline constexpr std::uint64_t kMaxBodyBytes = kMaxValueBytes + 8192;

}  // namespace sds::core::maintenance::archive
