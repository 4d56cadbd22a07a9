// What every fuzzer of tests/fuzz/ shares: reading typed values from the
// fuzzer's bytes, and failing loudly when an invariant breaks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sds/types.hpp"

namespace sds::fuzz {

// Reads the input front to back; once it is used up, every read returns
// zeros, so a short input is still a whole (if dull) test case.
class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  bool empty() const { return at_ == size_; }
  std::uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
  std::uint64_t u64() {
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value = value << 8 | byte();
    return value;
  }
  // Up to `most` bytes, as many as a length byte says.
  std::string text(std::size_t most) {
    const std::size_t size = std::min<std::size_t>(byte(), most);
    return take(size);
  }
  // The next `size` bytes (fewer at the end of the input).
  std::string take(std::size_t size) {
    size = std::min(size, size_ - at_);
    std::string out(reinterpret_cast<const char*>(data_ + at_), size);
    at_ += size;
    return out;
  }
  // Whatever is left.
  ByteView rest() {
    const ByteView out(data_ + at_, size_ - at_);
    at_ = size_;
    return out;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

// A broken invariant: says which and aborts, which libFuzzer reports as a
// crash and saves the input that led to it.
[[noreturn]] inline void violated(const std::string& what) {
  std::fprintf(stderr, "invariant violated: %s\n", what.c_str());
  std::abort();
}

inline void check(bool holds, const std::string& what) {
  if (!holds) violated(what);
}

}  // namespace sds::fuzz
