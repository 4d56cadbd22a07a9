#include "payloads.hpp"

#include <random>
#include <string>

namespace sds::workloads {

Bytes make_payload(std::size_t size, Content content, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  Bytes bytes;
  bytes.reserve(size);
  if (content == Content::random) {
    while (bytes.size() < size) {
      const std::uint64_t word = random();
      for (int shift = 0; shift < 64 && bytes.size() < size; shift += 8) {
        bytes.push_back(static_cast<std::uint8_t>(word >> shift));
      }
    }
    return bytes;
  }
  // JSON-like records that differ in a counter and a small random number:
  // zstd level 3 shrinks them to about a tenth.
  for (std::uint64_t n = 0; bytes.size() < size; ++n) {
    const std::string record = R"({"id":)" + std::to_string(n) + R"(,"kind":"paragraph","text":)" +
                               R"("lorem ipsum dolor sit amet","score":)" +
                               std::to_string(random() % 1000) + "},";
    for (const char c : record) {
      if (bytes.size() == size) break;
      bytes.push_back(static_cast<std::uint8_t>(c));
    }
  }
  return bytes;
}

}  // namespace sds::workloads
