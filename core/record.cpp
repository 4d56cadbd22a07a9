#include "core/record.hpp"

// Inlined: the checksum of every read then compiles with this build's vector
// instructions, several times faster than the shared library's generic code.
#define XXH_INLINE_ALL
#include <xxhash.h>
// For ZSTD_getFrameHeader (in libzstd since 1.3, exported, outside the stable
// section of the header).
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include <cstring>
#include <memory>
#include <string>

#include "core/binary.hpp"
#include "core/keys.hpp"
#include "sds/error.hpp"

#ifdef SDS_XXH3_AVX2
extern "C" std::uint64_t sds_xxh3_64_avx2(const void* data, std::size_t size, std::uint64_t seed);
#endif

namespace sds::core {
namespace {

// Below this, compression never pays for its header.
constexpr std::size_t kMinCompressible = 64;
// Larger values are first tried on a sample so that already-compressed data
// (gzip snapshots from json-joy, images) is not compressed in full for nothing.
constexpr std::size_t kSampleAbove = 256 << 10;
constexpr std::size_t kSampleSize = 64 << 10;
// Compression must save at least 1/32 (about 3%) to be kept.
bool saves_enough(std::size_t compressed, std::size_t raw) { return compressed + raw / 32 < raw; }

// XXH3-64 of `payload`. Beyond 240 bytes XXH3 runs its vector loop: there,
// AVX2 code where the CPU has it (the same hash, sooner: a megabyte in 35 us
// instead of 55 here).
XXH64_hash_t xxh3(ByteView payload, XXH64_hash_t seed) {
#ifdef SDS_XXH3_AVX2
  constexpr std::size_t kVectorLoopAbove = 240;
  static const bool avx2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  if (payload.size() > kVectorLoopAbove && avx2) {
    return sds_xxh3_64_avx2(payload.data(), payload.size(), seed);
  }
#endif
  return XXH3_64bits_withSeed(payload.data(), payload.size(), seed);
}

std::uint64_t checksum(std::string_view key, Codec codec, std::uint64_t raw_size,
                       ByteView payload) {
  // key | codec | raw size (LE), hashed in one go; built on the stack for the
  // short keys of the core (patches, snapshots), on the heap for long ones.
  constexpr std::size_t kStackKey = 256;
  char stack[kStackKey + 9];
  std::string heap;
  char* seed_input = stack;
  if (key.size() > kStackKey) {
    heap.resize(key.size() + 9);
    seed_input = heap.data();
  }
  std::memcpy(seed_input, key.data(), key.size());
  seed_input[key.size()] = static_cast<char>(codec);
  for (int i = 0; i < 8; ++i)
    seed_input[key.size() + 1 + i] = static_cast<char>(raw_size >> (8 * i));
  const XXH64_hash_t seed = XXH3_64bits(seed_input, key.size() + 9);
  return xxh3(payload, seed);
}

FramedRecord frame_header(std::string_view key, Codec codec, std::uint64_t raw_size,
                          ByteView payload) {
  FramedRecord out;
  out.header[0] = static_cast<std::uint8_t>(codec);
  const std::uint64_t sum = checksum(key, codec, raw_size, payload);
  for (int i = 0; i < 8; ++i) {
    out.header[1 + i] = static_cast<std::uint8_t>(raw_size >> (8 * i));
    out.header[9 + i] = static_cast<std::uint8_t>(sum >> (8 * i));
  }
  out.payload = payload;
  return out;
}

Bytes joined(const FramedRecord& record) {
  Bytes out;
  out.reserve(record.size());
  out.insert(out.end(), record.header.begin(), record.header.end());
  out.insert(out.end(), record.payload.begin(), record.payload.end());
  return out;
}

struct CctxDeleter {
  void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
};

// One compression context per thread, reused: creating one costs more than
// compressing a small snapshot.
ZSTD_CCtx* thread_cctx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CctxDeleter> context(ZSTD_createCCtx());
  if (!context) {
    throw Error(Errc::io_error, "zstd: cannot allocate a compression context",
                "the process is out of memory");
  }
  return context.get();
}

struct DctxDeleter {
  void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
};

// One decompression context per thread, reused: ZSTD_decompress() allocates
// and frees one of about 100 KiB on every call.
ZSTD_DCtx* thread_dctx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DctxDeleter> context(ZSTD_createDCtx());
  if (!context) {
    throw Error(Errc::io_error, "zstd: cannot allocate a decompression context",
                "the process is out of memory");
  }
  return context.get();
}

// Compresses into `out` (resized to fit); false if zstd fails.
bool zstd_compress(ByteView data, int level, Bytes& out) {
  out.resize(ZSTD_compressBound(data.size()));
  const std::size_t written =
      ZSTD_compressCCtx(thread_cctx(), out.data(), out.size(), data.data(), data.size(), level);
  if (ZSTD_isError(written)) return false;
  out.resize(written);
  return true;
}

[[noreturn]] void corrupt(std::string_view key, std::string_view where, std::string_view why) {
  throw Error(Errc::corruption,
              keys::describe(key) + " " + std::string(where) + " is corrupt: " + std::string(why),
              kDamagedAdvice);
}

// Only snapshot and blob data are ever written compressed (docs/FORMAT.md,
// "Records"); anything else claiming zstd is damage, and reading it as zstd
// would let a small forged record make a read allocate up to 512 MiB.
void check_codec(std::string_view key, Codec codec, std::string_view where) {
  if (codec == Codec::raw) return;
  if (codec != Codec::zstd)
    corrupt(key, where, "unknown codec " + std::to_string(static_cast<int>(codec)));
  if (!keys::may_be_compressed(key)) corrupt(key, where, "compressed, but it is always stored raw");
}

// The most that the zstd frame `payload` can decompress to, from its block
// headers (RFC 8878, 3.1.1.2): a raw or RLE block regenerates the size its
// header gives, a compressed block at most the frame's largest block. Walking
// the headers costs nothing next to decompressing and allocates nothing.
// Throws Errc::corruption unless `payload` is exactly one whole frame.
std::uint64_t zstd_frame_bound(const ZSTD_frameHeader& header, ByteView payload,
                               std::string_view key, std::string_view where) {
  constexpr std::size_t kBlockHeaderSize = 3;
  constexpr std::size_t kChecksumSize = 4;
  std::size_t at = header.headerSize;
  std::uint64_t bound = 0;
  for (bool last = false; !last;) {
    if (payload.size() - at < kBlockHeaderSize) corrupt(key, where, "zstd frame is truncated");
    const std::uint32_t block = payload[at] | payload[at + 1] << 8 | payload[at + 2] << 16;
    at += kBlockHeaderSize;
    last = (block & 1) != 0;
    const std::size_t size = block >> 3;
    std::size_t stored = size;
    switch ((block >> 1) & 3) {
      case 0:  // raw
        bound += size;
        break;
      case 1:  // RLE: one byte, repeated `size` times
        bound += size;
        stored = 1;
        break;
      case 2:  // compressed
        bound += header.blockSizeMax;
        break;
      default:
        corrupt(key, where, "zstd frame has a reserved block type");
    }
    if (payload.size() - at < stored) corrupt(key, where, "zstd frame is truncated");
    at += stored;
  }
  if (header.checksumFlag) at += kChecksumSize;
  if (at > payload.size()) corrupt(key, where, "zstd frame is truncated");
  if (at < payload.size()) corrupt(key, where, "data follows the zstd frame");
  return bound;
}

// Checks a zstd payload against the raw size its record declares, before
// anything is allocated for it: one whole frame (not truncated, nothing after
// it) whose content size is that raw size, and whose blocks can hold that
// many bytes (a frame of a few hundred bytes cannot decompress to 512 MiB).
void check_zstd_frame(const Record& record, std::string_view key, std::string_view where) {
  const ByteView payload = record.payload;
  ZSTD_frameHeader header;
  if (ZSTD_getFrameHeader(&header, payload.data(), payload.size()) != 0 ||
      header.frameType != ZSTD_frame) {
    corrupt(key, where, "not a whole zstd frame header");
  }
  if (header.frameContentSize != record.raw_size) {
    corrupt(key, where, "zstd frame size differs from header");
  }
  const std::uint64_t bound = zstd_frame_bound(header, payload, key, where);
  if (bound < record.raw_size) {
    corrupt(key, where,
            "zstd frame of " + std::to_string(payload.size()) + " bytes cannot hold the " +
                std::to_string(record.raw_size) + " bytes it declares");
  }
}

}  // namespace

Bytes encode_raw(std::string_view key, ByteView data) {
  return joined(frame_header(key, Codec::raw, data.size(), data));
}

Bytes frame(std::string_view key, const Encoded& encoded) {
  return joined(frame_parts(key, encoded));
}

FramedRecord frame_parts(std::string_view key, const Encoded& encoded) {
  return frame_header(key, encoded.codec, encoded.raw_size, encoded.payload);
}

Encoded compress(ByteView data, const Compression& compression) {
  Encoded raw{Codec::raw, data.size(), data, {}};
  if (!compression.enabled || data.size() < kMinCompressible) return raw;
  Bytes compressed;
  if (data.size() > kSampleAbove) {
    const ByteView sample = data.subspan(0, kSampleSize);
    if (!zstd_compress(sample, 1, compressed) || !saves_enough(compressed.size(), sample.size())) {
      return raw;
    }
  }
  if (!zstd_compress(data, compression.level, compressed) ||
      !saves_enough(compressed.size(), data.size())) {
    return raw;
  }
  Encoded out{Codec::zstd, data.size(), {}, std::move(compressed)};
  out.payload = out.storage;
  return out;
}

Record open_record(std::string_view key, ByteView stored, std::string_view where) {
  if (stored.size() < kRecordHeaderSize) corrupt(key, where, "shorter than a record header");
  PayloadReader header(stored.subspan(1, 16), "record header", where);
  Record record;
  record.codec = static_cast<Codec>(stored[0]);
  record.raw_size = header.u64();
  const std::uint64_t stored_checksum = header.u64();
  record.payload = stored.subspan(kRecordHeaderSize);
  check_codec(key, record.codec, where);
  if (checksum(key, record.codec, record.raw_size, record.payload) != stored_checksum) {
    corrupt(key, where, "checksum mismatch");
  }
  if (record.codec == Codec::raw && record.raw_size != record.payload.size()) {
    corrupt(key, where, "declared size differs from stored size");
  }
  return record;
}

std::uint64_t peek_raw_size(ByteView stored) {
  if (stored.size() < kRecordHeaderSize) return 0;
  return PayloadReader(stored.subspan(1, 8), "record header", "").u64();
}

Bytes decode_record(const Record& record, std::string_view key, std::string_view where) {
  if (record.raw_size > kMaxValueBytes) {
    corrupt(key, where, "declared size " + std::to_string(record.raw_size) + " exceeds the limit");
  }
  // Records that did not come through open_record() (an archive's) are
  // checked here as well: this is the one path by which every reader decodes.
  check_codec(key, record.codec, where);
  if (record.codec == Codec::raw) {
    if (record.raw_size != record.payload.size()) {
      corrupt(key, where, "declared size differs from stored size");
    }
    return Bytes(record.payload.begin(), record.payload.end());
  }
  check_zstd_frame(record, key, where);
  Bytes out(record.raw_size);
  const std::size_t written = ZSTD_decompressDCtx(thread_dctx(), out.data(), out.size(),
                                                  record.payload.data(), record.payload.size());
  if (ZSTD_isError(written) || written != out.size()) {
    corrupt(key, where, "zstd data does not decompress");
  }
  return out;
}

}  // namespace sds::core
