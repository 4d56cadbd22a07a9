#include "trace.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string_view>

namespace sds::workloads {
namespace {

constexpr std::string_view kMagic = "SDSTRACE";
constexpr std::uint32_t kVersion = 1;

// Reads little-endian fields from the file's bytes; throws at the end.
class Reader {
 public:
  Reader(const std::string& path, std::string_view bytes) : path_(path), bytes_(bytes) {}

  bool at_end() const { return offset_ == bytes_.size(); }
  std::size_t offset() const { return offset_; }

  std::string_view take(std::size_t size, std::string_view what) {
    if (bytes_.size() - offset_ < size) {
      throw std::runtime_error("trace '" + path_ + "' is truncated: " + std::string(what) +
                               " at byte " + std::to_string(offset_) + " needs " +
                               std::to_string(size) + " bytes, " +
                               std::to_string(bytes_.size() - offset_) + " are left");
    }
    const std::string_view taken = bytes_.substr(offset_, size);
    offset_ += size;
    return taken;
  }
  template <typename Integer>
  Integer integer(std::string_view what) {
    const std::string_view raw = take(sizeof(Integer), what);
    Integer value = 0;
    for (std::size_t i = 0; i < sizeof(Integer); ++i) {
      value |= static_cast<Integer>(static_cast<std::uint8_t>(raw[i])) << (8 * i);
    }
    return value;
  }

 private:
  const std::string& path_;
  std::string_view bytes_;
  std::size_t offset_ = 0;
};

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw std::runtime_error("cannot open trace '" + path + "': " + std::strerror(errno));
  }
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

bool known_op(char op) {
  for (const char known : {'P', 'S', 'R', 'V', 'X'}) {
    if (op == known) return true;
  }
  return false;
}

}  // namespace

Trace read_trace(const std::string& path) {
  const std::string bytes = read_file(path);
  Reader reader(path, bytes);
  if (bytes.size() < kMagic.size() || reader.take(kMagic.size(), "the header") != kMagic) {
    throw std::runtime_error("'" + path + "' is not an SDS trace: it does not start with " +
                             std::string(kMagic));
  }
  if (const auto version = reader.integer<std::uint32_t>("the version"); version != kVersion) {
    throw std::runtime_error("trace '" + path + "' has version " + std::to_string(version) +
                             "; this program reads version " + std::to_string(kVersion));
  }
  Trace trace;
  while (!reader.at_end()) {
    const std::size_t start = reader.offset();
    const char op = reader.take(1, "an operation")[0];
    if (!known_op(op)) {
      throw std::runtime_error("trace '" + path + "' has an unknown operation byte " +
                               std::to_string(static_cast<unsigned char>(op)) + " at byte " +
                               std::to_string(start));
    }
    TraceRecord record{
        static_cast<TraceRecord::Op>(op), reader.integer<std::uint64_t>("a clock"), {}, {}};
    record.key = reader.take(reader.integer<std::uint32_t>("a key length"), "a key");
    const std::string_view data =
        reader.take(reader.integer<std::uint32_t>("a data length"), "data");
    record.data.assign(data.begin(), data.end());
    trace.records.push_back(std::move(record));
  }
  return trace;
}

}  // namespace sds::workloads
