// The record decoder (core/record.*, docs/DESIGN.md section 7.1) on any bytes.
// Three ways in, chosen by the first byte:
//   0: the bytes as a stored value, under a key of each kind: open_record()
//      then decode_record(), as every read does;
//   1: a codec, a declared size and a payload framed with a right checksum,
//      so the fuzzer reaches the checks behind it (codec per key, size, zstd
//      frame walk) that a checksum would otherwise hide;
//   2: the bytes as a value to store: compress(), frame(), read back.
// Every failure must be Errc::corruption; a value decoded must have the size
// its record declares. What a decode may allocate is bounded by libFuzzer's
// -malloc_limit_mb (tests/fuzz/run_fuzzer.sh): from a 4 KiB input, a frame
// regenerates at most 1024 RLE blocks of 128 KiB.
#include <array>

#include "core/keys.hpp"
#include "core/record.hpp"
#include "sds/error.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

using sds::fuzz::check;

const std::array<std::string, 5>& keys() {
  namespace k = sds::core::keys;
  static const std::array<std::string, 5> all = {k::patch(1, 42), k::snapshot(1), k::blob("h"),
                                                 k::meta(1), k::refs("h")};
  return all;
}

// open_record() and decode_record() of `stored` under `key`; returns the
// decoded bytes, or nothing when the record is refused as corruption.
std::optional<sds::Bytes> read(const std::string& key, sds::ByteView stored) {
  try {
    const sds::core::Record record = sds::core::open_record(key, stored, "in fuzz");
    sds::Bytes out = sds::core::decode_record(record, key, "in fuzz");
    check(out.size() == record.raw_size, "decoded size differs from the declared size");
    check(out.size() <= sds::kMaxValueBytes, "decoded more than kMaxValueBytes");
    if (record.codec == sds::core::Codec::raw) {
      check(std::equal(out.begin(), out.end(), record.payload.begin(), record.payload.end()),
            "a raw record decoded to other bytes than its payload");
    } else {
      check(sds::core::keys::may_be_compressed(key), "zstd decoded under a raw-only key");
    }
    return out;
  } catch (const sds::Error& error) {
    check(error.code() == sds::Errc::corruption,
          std::string("a record was refused with ") + sds::to_string(error.code()));
    return std::nullopt;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sds::fuzz::FuzzInput input(data, size);
  const std::uint8_t mode = input.byte() % 3;
  if (mode == 0) {
    const sds::ByteView stored = input.rest();
    for (const std::string& key : keys()) read(key, stored);
  } else if (mode == 1) {
    const std::string& key = keys()[input.byte() % keys().size()];
    const auto codec = static_cast<sds::core::Codec>(input.byte() % 3);
    // Sizes near the payload's mostly, any size sometimes.
    const std::uint8_t how = input.byte();
    std::uint64_t raw_size = input.u64();
    const sds::ByteView payload = input.rest();
    if (how % 4 != 0) raw_size = payload.size() + raw_size % 4096;
    const sds::Bytes stored = sds::core::frame(key, {codec, raw_size, payload, {}});
    read(key, stored);
  } else {
    const bool compress = input.byte() % 2 == 0;
    const int level = 1 + input.byte() % 5;
    const sds::ByteView value = input.rest();
    const sds::core::Encoded encoded = sds::core::compress(value, {compress, level});
    for (const std::string& key : keys()) {
      // Raw-only keys are written raw by the core: frame zstd under blob and
      // snapshot keys only.
      const bool zstd = encoded.codec == sds::core::Codec::zstd;
      const sds::Bytes stored = zstd && !sds::core::keys::may_be_compressed(key)
                                    ? sds::core::encode_raw(key, value)
                                    : sds::core::frame(key, encoded);
      const auto back = read(key, stored);
      check(back.has_value(), "a record the core wrote is refused");
      check(std::equal(back->begin(), back->end(), value.begin(), value.end()),
            "a record the core wrote reads back as other bytes");
    }
  }
  return 0;
}
