// Record framing (docs/FORMAT.md, "Records"): every value the core stores is
//
//   codec (u8) | raw size (u64 LE) | checksum (u64 LE) | payload
//
// where the checksum is XXH3-64 of the payload, seeded with XXH3-64 of the key,
// the codec byte and the raw size. A record copied under another key, a flipped
// bit or a truncated value fails the check before anything is decompressed.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "sds/types.hpp"

namespace sds::core {

// Codec tags are stored on disk: never reuse or renumber one.
enum class Codec : std::uint8_t {
  raw = 0,
  zstd = 1,
};

inline constexpr std::size_t kRecordHeaderSize = 1 + 8 + 8;

struct Compression {
  bool enabled = true;
  int level = 3;
};

// A verified record: its payload still encoded.
struct Record {
  Codec codec = Codec::raw;
  std::uint64_t raw_size = 0;
  ByteView payload;
};

// A value ready to be framed: compressed into `storage`, or still the caller's.
struct Encoded {
  Codec codec = Codec::raw;
  std::uint64_t raw_size = 0;
  ByteView payload;  // into `storage`, or the caller's data when raw
  Bytes storage;
};

// Compresses `data` with zstd when that saves at least a few percent; data that
// is already compressed is detected on a sample and stays raw at little cost.
// Compression needs no key, so callers do it before taking any lock.
Encoded compress(ByteView data, const Compression& compression);

// A record not yet joined: its header, and the payload it frames (the
// caller's), for WriteTransaction::put_parts(), which stores a blob of a
// megabyte without copying it into a record first.
struct FramedRecord {
  std::array<std::uint8_t, kRecordHeaderSize> header{};
  ByteView payload;

  std::size_t size() const { return header.size() + payload.size(); }
  std::array<ByteView, 2> parts() const { return {ByteView(header), payload}; }
};

// The record that stores `encoded` under `key`, joined or as its parts (which
// view `encoded`).
Bytes frame(std::string_view key, const Encoded& encoded);
FramedRecord frame_parts(std::string_view key, const Encoded& encoded);
// The record that stores `data` under `key` as is.
Bytes encode_raw(std::string_view key, ByteView data);

// Checks the framing and checksum of `stored`, read under `key`, and that its
// codec is one the key may have. Throws Errc::corruption naming the key and
// `where` (URI, store) on any mismatch.
Record open_record(std::string_view key, ByteView stored, std::string_view where);

// The raw size a record's header declares, without verifying anything (0 for
// a value too short to hold a header). For figures only: reads verify.
std::uint64_t peek_raw_size(ByteView stored);

// The original bytes of a verified record, read under `key`: the one decoding
// path of every reader. Before anything is allocated, the declared size is
// checked against kMaxValueBytes, a raw payload against it, and a zstd frame
// against it (one whole frame, its content size, the most its blocks can
// hold); only the keys of keys::may_be_compressed() may hold zstd. So a read
// allocates at most what is stored, or what a valid frame decompresses to.
// Throws Errc::corruption.
Bytes decode_record(const Record& record, std::string_view key, std::string_view where);

}  // namespace sds::core
