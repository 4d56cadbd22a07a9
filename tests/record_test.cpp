#include "core/record.hpp"

#include <gtest/gtest.h>
#include <zstd.h>

// xxHash's portable code, compiled into this test: the reference checksum.
#define XXH_INLINE_ALL
#define XXH_VECTOR XXH_SCALAR
#include <xxhash.h>

#include <random>

#include "core/binary.hpp"
#include "core/keys.hpp"
#include "sds/error.hpp"

namespace sds::core {
namespace {

Bytes random_bytes(std::size_t size) {
  Bytes out(size);
  std::mt19937_64 generator(7);
  for (auto& byte : out) byte = static_cast<std::uint8_t>(generator());
  return out;
}

// Only snapshot and blob data may be compressed (keys::may_be_compressed).
const std::string kBlob = keys::blob("k");

Bytes decode(std::string_view key, const Bytes& stored) {
  return decode_record(open_record(key, stored, "in test"), key, "in test");
}

TEST(Record, RawRoundTripAndHeader) {
  const Bytes data{1, 2, 3};
  const Bytes stored = encode_raw("key", data);
  EXPECT_EQ(stored.size(), kRecordHeaderSize + 3);
  EXPECT_EQ(stored[0], static_cast<std::uint8_t>(Codec::raw));
  EXPECT_EQ(decode("key", stored), data);
  EXPECT_TRUE(decode("key", encode_raw("key", {})).empty());
}

TEST(Record, CompressesWhatPaysAndKeepsTheRestRaw) {
  const Bytes text(200000, 'a');
  const Encoded compressed = compress(text, {});
  EXPECT_EQ(compressed.codec, Codec::zstd);
  EXPECT_LT(compressed.payload.size(), 1000u);
  EXPECT_EQ(decode(kBlob, frame(kBlob, compressed)), text);

  // Decoding reuses one zstd context per thread: frames one after the other.
  for (const std::size_t size : {std::size_t{5000}, std::size_t{300000}, std::size_t{70}}) {
    const Bytes other(size, static_cast<std::uint8_t>('a' + size % 26));
    const Encoded encoded = compress(other, {});
    ASSERT_EQ(encoded.codec, Codec::zstd) << size;
    EXPECT_EQ(decode(kBlob, frame(kBlob, encoded)), other) << size;
  }

  const Bytes noise = random_bytes(1 << 20);  // as a gzip snapshot looks to zstd
  const Encoded raw = compress(noise, {});
  EXPECT_EQ(raw.codec, Codec::raw);
  EXPECT_EQ(raw.payload.data(), noise.data());  // not even copied
  EXPECT_EQ(decode(kBlob, frame(kBlob, raw)), noise);

  EXPECT_EQ(compress(text, {.enabled = false}).codec, Codec::raw);
  EXPECT_EQ(compress(Bytes(10, 'a'), {}).codec, Codec::raw);  // too small to pay
}

// FORMAT.md's checksum, computed here by xxHash's portable code: the
// library's (AVX2 code for long payloads where the CPU has it) must agree,
// at every length where XXH3 changes its way.
TEST(Record, ChecksumIsXxh3OfThePayloadSeededWithKeyCodecAndSize) {
  const std::string key = keys::blob("k");
  for (const std::size_t size :
       {0, 1, 3, 4, 8, 9, 16, 17, 128, 129, 240, 241, 1024, 1025, 4095, 65536, 1 << 20}) {
    const Bytes data = random_bytes(size);
    const Bytes stored = encode_raw(key, data);
    Bytes seed_input(key.begin(), key.end());
    seed_input.push_back(static_cast<std::uint8_t>(Codec::raw));
    append_u64_le(seed_input, size);
    const XXH64_hash_t seed = XXH3_64bits(seed_input.data(), seed_input.size());
    EXPECT_EQ(PayloadReader(ByteView(stored).subspan(9, 8), "checksum", "").u64(),
              XXH3_64bits_withSeed(data.data(), data.size(), seed))
        << size << " bytes";
    EXPECT_EQ(decode(key, stored), data);
  }
}

TEST(Record, ChecksumCoversKeyHeaderAndPayload) {
  const Bytes stored = encode_raw("S1", Bytes(100, 'x'));
  EXPECT_THROW(open_record("S2", stored, ""), Error);
  for (std::size_t at :
       {std::size_t{0}, std::size_t{1}, std::size_t{9}, std::size_t{17}, stored.size() - 1}) {
    Bytes damaged = stored;
    damaged[at] ^= 0x01;
    try {
      open_record("S1", damaged, "in test");
      ADD_FAILURE() << "flipped byte " << at << " went unnoticed";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), Errc::corruption);
    }
  }
  EXPECT_THROW(open_record("S1", Bytes(5, 0), ""), Error);
}

// A record that checks out but declares 1 TiB must fail before allocating it.
TEST(Record, ForgedSizeIsRefusedBeforeAllocating) {
  const Bytes small(100, 'a');
  Bytes zstd_frame(ZSTD_compressBound(small.size()));
  zstd_frame.resize(
      ZSTD_compress(zstd_frame.data(), zstd_frame.size(), small.data(), small.size(), 1));
  Encoded forged{Codec::zstd, 1ull << 40, zstd_frame, {}};
  const Bytes stored = frame(kBlob, forged);
  const Record record = open_record(kBlob, stored, "in test");
  EXPECT_EQ(record.raw_size, 1ull << 40);
  try {
    decode_record(record, kBlob, "in test");
    FAIL() << "a forged size was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), Errc::corruption);
    EXPECT_NE(std::string(error.what()).find("exceeds the limit"), std::string::npos);
  }
  forged.raw_size = 50;  // within limits but not what the frame holds
  EXPECT_THROW(decode_record(open_record(kBlob, frame(kBlob, forged), ""), kBlob, ""), Error);
}

TEST(Record, OnlySnapshotAndBlobDataMayBeCompressed) {
  const Encoded compressed = compress(Bytes(1000, 'a'), {});
  ASSERT_EQ(compressed.codec, Codec::zstd);
  const std::string patch = keys::patch(1, 1);
  try {
    decode(patch, frame(patch, compressed));
    FAIL() << "a compressed patch was read";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), Errc::corruption);
    EXPECT_NE(std::string(error.what()).find("always stored raw"), std::string::npos);
  }
  EXPECT_EQ(decode(keys::snapshot(1), frame(keys::snapshot(1), compressed)), Bytes(1000, 'a'));
}

TEST(Record, PayloadReaderRefusesShortPayloads) {
  Bytes payload;
  append_u64_le(payload, 42);
  PayloadReader reader(payload, "test record", "in 'memory:x', store 'doc'");
  EXPECT_EQ(reader.u64(), 42u);
  try {
    reader.u32();
    ADD_FAILURE() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), Errc::corruption);
    EXPECT_EQ(error.message(),
              "malformed test record in 'memory:x', store 'doc': its contents do not match its "
              "layout");
    EXPECT_NE(error.advice().find("sdsctl verify"), std::string_view::npos) << error.what();
  }
}

}  // namespace
}  // namespace sds::core
