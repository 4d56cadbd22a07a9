// zstd bombs (docs/DESIGN.md sections 5 and 7.1): frames without a content
// size, with a content size that lies, with a huge window, several frames in
// one record, garbage after a frame, and every truncation of a frame. Each is
// refused with Errc::corruption, or decodes to what it declares, and no read
// allocates beyond what the record declares and its frame can regenerate:
// checked with the allocation probe (every operator new of the core), not
// timed. Each case prints its time and the growth of the peak resident set.
#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader
#include <zstd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "core/binary.hpp"
#include "core/keys.hpp"
#include "core/record.hpp"
#include "tests/raw_kv.hpp"
#include "tests/reliability/allocation_probe.hpp"
#include "tests/reliability/bad_input.hpp"

namespace sds::test {
namespace {

constexpr std::size_t kKiB = 1024;
constexpr std::size_t kMiB = 1024 * kKiB;
constexpr std::uint64_t kFirstStore = 1;
// What a refused record may allocate: its message and bookkeeping, nothing
// of the size it declares.
constexpr std::size_t kRefusalAllocation = 64 * kKiB;

// The peak resident set of this process, reset (Linux: clear_refs 5) when
// made, so that a case reports only its own growth.
class PeakMemory {
 public:
  PeakMemory() : start_(current("VmRSS:")) { std::ofstream("/proc/self/clear_refs") << "5"; }
  // Growth of the peak over the resident set at the start, in KiB.
  long growth_kib() const { return current("VmHWM:") - start_; }

 private:
  static long current(const std::string& field) {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);) {
      if (line.starts_with(field)) return std::stol(line.substr(field.size()));
    }
    return 0;
  }
  long start_;
};

// A zstd frame of `data`, with or without its content size and checksum.
Bytes compress_frame(ByteView data, bool content_size = true, bool checksum = true) {
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context(ZSTD_createCCtx(), ZSTD_freeCCtx);
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_contentSizeFlag, content_size ? 1 : 0);
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_checksumFlag, checksum ? 1 : 0);
  Bytes out(ZSTD_compressBound(data.size()));
  const std::size_t size =
      ZSTD_compress2(context.get(), out.data(), out.size(), data.data(), data.size());
  EXPECT_FALSE(ZSTD_isError(size));
  out.resize(size);
  return out;
}

// `frame` with its content size field rewritten to `size` (which must take
// as many bytes as the field has).
Bytes with_content_size(Bytes frame, std::uint64_t size) {
  const std::uint8_t descriptor = frame[4];
  const bool single_segment = (descriptor >> 5 & 1) != 0;
  const std::size_t field_sizes[] = {single_segment ? 1u : 0u, 2, 4, 8};
  const std::size_t dictionary_sizes[] = {0, 1, 2, 4};
  const std::size_t field = field_sizes[descriptor >> 6];
  const std::size_t at = 5 + (single_segment ? 0 : 1) + dictionary_sizes[descriptor & 3];
  for (std::size_t i = 0; i < field; ++i) frame[at + i] = static_cast<std::uint8_t>(size >> 8 * i);
  return frame;
}

// A frame of a window of 2^`window_log` bytes (not single segment), a
// content size of one byte, and one raw block holding it.
Bytes huge_window_frame(int window_log) {
  Bytes frame = {0x28, 0xb5, 0x2f, 0xfd};
  frame.push_back(2 << 6);  // a 4-byte content size, not single segment
  frame.push_back(static_cast<std::uint8_t>((window_log - 10) << 3));
  core::append_u32_le(frame, 1);
  frame.insert(frame.end(), {1u << 3 | 1u, 0, 0, 'x'});  // raw, last, 1 byte
  return frame;
}

// Whole frames of `size` bytes that regenerate from RLE blocks of 128 KiB: a
// bomb of the valid kind, which a read may decode (it declares its size).
Bytes rle_frame(std::uint64_t size) {
  Bytes frame = {0x28, 0xb5, 0x2f, 0xfd, 0xe0};  // single segment, 8-byte content size
  core::append_u64_le(frame, size);
  constexpr std::uint32_t kBlock = 128 * kKiB;
  for (std::uint64_t left = size; left > 0;) {
    const std::uint32_t block = static_cast<std::uint32_t>(std::min<std::uint64_t>(left, kBlock));
    left -= block;
    const std::uint32_t header = block << 3 | 1u << 1 | (left == 0 ? 1u : 0u);  // RLE
    frame.insert(frame.end(),
                 {static_cast<std::uint8_t>(header), static_cast<std::uint8_t>(header >> 8),
                  static_cast<std::uint8_t>(header >> 16), 0});
  }
  return frame;
}

struct Bomb {
  std::string name;
  Bytes payload;
  std::uint64_t declared;  // the raw size of the record
  // Decodes to `declared` bytes; otherwise refused as corruption.
  bool decodes = false;
  // The most a read may allocate for it: the declared size, for a frame
  // whose blocks can hold it (the output is allocated, then the frame fails
  // to fill it); for the others, nothing of that size.
  std::uint64_t may_allocate = 0;
};

Bytes compressible(std::size_t size) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(i % 251 * (i / 4096));
  return out;
}

std::vector<Bomb> bombs() {
  const Bytes data = compressible(1 * kMiB);
  const Bytes frame = compress_frame(data);
  Bytes skippable = {0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 'j', 'u', 'n', 'k'};
  auto concatenated = [](Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  return {
      {"no content size", compress_frame(data, false), data.size()},
      {"no content size, declaring the most", compress_frame(data, false), kMaxValueBytes},
      {"content size lies: smaller", with_content_size(frame, 512 * kKiB), 512 * kKiB, false,
       512 * kKiB},
      {"content size lies: larger", with_content_size(frame, 2 * kMiB), 2 * kMiB},
      {"content size lies: the most", with_content_size(frame, kMaxValueBytes), kMaxValueBytes},
      // Decoding into the output whole needs no window: one byte, decoded.
      {"window of 2^30", huge_window_frame(30), 1, true, 1},
      {"window of 2^41", huge_window_frame(41), 1},
      {"two frames, the first declared", concatenated(frame, frame), data.size()},
      {"two frames, both declared", concatenated(frame, frame), 2 * data.size()},
      {"a skippable frame after", concatenated(frame, skippable), data.size()},
      {"garbage after", concatenated(frame, Bytes(100, 0xee)), data.size()},
      {"a frame header after", concatenated(frame, Bytes(frame.begin(), frame.begin() + 9)),
       data.size()},
      {"valid: 64 MiB of RLE blocks", rle_frame(64 * kMiB), 64 * kMiB, true, 64 * kMiB},
  };
}

// The record that stores `payload` as zstd data declaring `declared` bytes.
Bytes zstd_record(const std::string& key, ByteView payload, std::uint64_t declared) {
  return core::frame(key, {core::Codec::zstd, declared, payload, {}});
}

// Reads `stored` as every reader does, in the one decoding path.
void decode(const std::string& key, const Bytes& stored) {
  const core::Record record = core::open_record(key, stored, "in a test");
  const Bytes out = core::decode_record(record, key, "in a test");
  EXPECT_EQ(out.size(), record.raw_size);
}

// Decodes `bomb`: the right outcome, and no allocation beyond its limit.
void expect_defused(const Bomb& bomb, const std::function<void()>& read, std::size_t slack) {
  const PeakMemory peak;
  const auto start = std::chrono::steady_clock::now();
  const AllocationProbe probe;
  if (bomb.decodes) {
    EXPECT_NO_THROW(read());
  } else {
    expect_error(Errc::corruption, read);
  }
  const std::size_t largest = probe.largest();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  const std::size_t limit = std::max<std::size_t>(bomb.may_allocate, kRefusalAllocation) + slack;
  EXPECT_LE(largest, limit) << "largest allocation";
  std::printf(
      "zstd bomb '%s' (%zu bytes, declaring %llu): %lld ms, largest allocation %zu B, "
      "peak RSS +%ld KiB\n",
      bomb.name.c_str(), bomb.payload.size(), static_cast<unsigned long long>(bomb.declared),
      static_cast<long long>(ms), largest, peak.growth_kib());
}

TEST(ZstdBomb, EveryBombIsDefusedInTheDecodingPath) {
  for (const Bomb& bomb : bombs()) {
    SCOPED_TRACE(bomb.name);
    tried("zstd_bombs");
    for (const std::string& key : {core::keys::blob("h"), core::keys::snapshot(kFirstStore)}) {
      const Bytes stored = zstd_record(key, bomb.payload, bomb.declared);
      expect_defused(
          bomb, [&] { decode(key, stored); }, 0);
    }
  }
}

TEST(ZstdBomb, EveryTruncationOfAFrameIsCorruption) {
  const Bytes data = compressible(256 * kKiB);
  const std::string key = core::keys::blob("h");
  for (const bool checksum : {true, false}) {
    const Bytes frame = compress_frame(data, true, checksum);
    for (std::size_t length = 0; length < frame.size(); ++length) {
      tried("zstd_truncations");
      const Bytes stored = zstd_record(key, ByteView(frame.data(), length), data.size());
      const AllocationProbe probe;
      expect_error(Errc::corruption, [&] { decode(key, stored); });
      // Refused before the output is allocated, or (a frame cut inside its
      // last block, where the blocks still seem to hold enough) after
      // allocating what it declares.
      EXPECT_LE(probe.largest(), data.size()) << "cut at " << length;
    }
  }
}

// The key-value schemes, whose records the test forges below the core.
class ZstdBombRead : public Conformance {};

// Through the API on each key-value scheme: the record read from the backend.
TEST_P(ZstdBombRead, ThroughTheApiEveryBombIsDefused) {
  {
    auto store = open_store();
    store->save_value("h", bytes("blob"));
    store->save_snapshot(bytes("snapshot"), 1);
  }
  for (const Bomb& bomb : bombs()) {
    SCOPED_TRACE(bomb.name);
    tried("zstd_bombs");
    forge_record(uri_, core::keys::blob("h"), core::Codec::zstd, bomb.declared, bomb.payload);
    forge_record(uri_, core::keys::snapshot(kFirstStore), core::Codec::zstd, bomb.declared,
                 bomb.payload);
    auto store = open_store();
    // The backend's own reading may allocate about the stored record.
    const std::size_t slack = bomb.payload.size() + 64 * kKiB;
    expect_defused(
        bomb, [&] { store->load_value("h"); }, slack);
    expect_defused(
        bomb, [&] { store->load_snapshot(); }, slack);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ZstdBombRead, ::testing::ValuesIn(kv_backends_under_test()),
                         backend_name);

}  // namespace
}  // namespace sds::test
