#include "core/payloads.hpp"

#include "core/binary.hpp"
#include "core/record.hpp"

namespace sds::core {

Bytes encode_snapshot_header(std::string_view key, const SnapshotHeader& header) {
  Bytes payload;
  append_u64_le(payload, header.clock);
  append_u64_le(payload, header.raw_size);
  append_u64_le(payload, header.stored_size);
  return encode_raw(key, payload);
}

Bytes encode_ref_count(std::string_view key, std::int64_t count) {
  Bytes payload;
  append_u64_le(payload, static_cast<std::uint64_t>(count));
  return encode_raw(key, payload);
}

SnapshotHeader parse_snapshot_header(ByteView payload, std::string_view where) {
  PayloadReader reader(payload, "snapshot header", where);
  SnapshotHeader header{reader.u64(), reader.u64(), reader.u64()};
  reader.expect_end();
  return header;
}

std::int64_t parse_ref_count(ByteView payload, std::string_view where) {
  PayloadReader reader(payload, "reference count", where);
  const auto count = static_cast<std::int64_t>(reader.u64());
  reader.expect_end();
  return count;
}

}  // namespace sds::core
