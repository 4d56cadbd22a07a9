// Fixed-width integer encoding for keys (big-endian, so keys sort numerically)
// and record payloads (little-endian), with bounds-checked reading.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/errors.hpp"
#include "sds/error.hpp"
#include "sds/types.hpp"

namespace sds::core {

inline void append_u64_be(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

inline std::uint64_t read_u64_be(std::string_view in) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<std::uint8_t>(in[i]);
  }
  return value;
}

inline void append_u64_le(Bytes& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

inline void append_u32_le(Bytes& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

// Reads little-endian fields off a record payload; running past its end means
// the record is not what its key says, so it throws Errc::corruption naming
// `what` (the kind of record) and `where` (the URI and store).
class PayloadReader {
 public:
  PayloadReader(ByteView payload, std::string_view what, std::string_view where)
      : in_(payload), what_(what), where_(where) {}

  std::uint64_t u64() { return little_endian(8); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(little_endian(4)); }
  ByteView bytes(std::size_t size) {
    need(size);
    ByteView out = in_.subspan(0, size);
    in_ = in_.subspan(size);
    return out;
  }
  bool at_end() const { return in_.empty(); }
  void expect_end() const {
    if (!in_.empty()) fail();
  }

 private:
  std::uint64_t little_endian(std::size_t width) {
    need(width);
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < width; ++i) value |= std::uint64_t{in_[i]} << (8 * i);
    in_ = in_.subspan(width);
    return value;
  }
  void need(std::size_t size) const {
    if (in_.size() < size) fail();
  }
  [[noreturn]] void fail() const {
    std::string message = "malformed " + std::string(what_);
    if (!where_.empty()) message += " " + std::string(where_);
    throw Error(Errc::corruption, message + ": its contents do not match its layout",
                kDamagedAdvice);
  }

  ByteView in_;
  std::string_view what_;
  std::string_view where_;
};

}  // namespace sds::core
