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

namespace {

void append_text(Bytes& out, std::string_view text) {
  append_u32_le(out, static_cast<std::uint32_t>(text.size()));
  out.insert(out.end(), text.begin(), text.end());
}

std::string read_text(PayloadReader& reader) {
  const std::uint32_t size = reader.u32();
  return std::string(as_chars(reader.bytes(size)));
}

}  // namespace

Bytes encode_staging_header(std::string_view key, const StagingHeader& header) {
  Bytes payload;
  append_u64_le(payload, header.pid);
  append_u64_le(payload, header.pid_started);
  append_u64_le(payload, header.token);
  append_u64_le(payload, header.started);
  append_text(payload, header.host);
  append_text(payload, header.boot_id);
  return encode_raw(key, payload);
}

Bytes encode_staged_store(std::string_view key, const StagedStore& store) {
  Bytes payload;
  append_u64_le(payload, store.number);
  payload.insert(payload.end(), store.id.begin(), store.id.end());
  return encode_raw(key, payload);
}

Bytes encode_staged_blob(std::string_view key, const StagedBlob& blob) {
  Bytes payload;
  append_u64_le(payload, static_cast<std::uint64_t>(blob.ref_count));
  payload.push_back(blob.data_written ? 1 : 0);
  return encode_raw(key, payload);
}

StagingHeader parse_staging_header(ByteView payload, std::string_view where) {
  PayloadReader reader(payload, "staging header", where);
  StagingHeader header;
  header.pid = reader.u64();
  header.pid_started = reader.u64();
  header.token = reader.u64();
  header.started = reader.u64();
  header.host = read_text(reader);
  header.boot_id = read_text(reader);
  reader.expect_end();
  return header;
}

StagedStore parse_staged_store(ByteView payload, std::string_view where) {
  PayloadReader reader(payload, "staged store", where);
  StagedStore store;
  store.number = reader.u64();
  store.id = std::string(as_chars(payload.subspan(8)));
  return store;
}

StagedBlob parse_staged_blob(ByteView payload, std::string_view where) {
  PayloadReader reader(payload, "staged blob", where);
  StagedBlob blob;
  blob.ref_count = static_cast<std::int64_t>(reader.u64());
  blob.data_written = reader.bytes(1)[0] != 0;
  reader.expect_end();
  return blob;
}

}  // namespace sds::core
