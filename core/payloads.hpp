// The payloads of the small fixed records (docs/FORMAT.md, "Keys"): the
// snapshot header and the blob reference count. One definition, for the store
// code and for the maintenance tools alike.
#pragma once

#include <cstdint>
#include <string_view>

#include "sds/types.hpp"

namespace sds::core {

// The snapshot header record ("S" number "m").
struct SnapshotHeader {
  Clock clock = 0;
  std::uint64_t raw_size = 0;     // as the caller saved it
  std::uint64_t stored_size = 0;  // the snapshot record's size
};

// The framed records stored under `key`.
Bytes encode_snapshot_header(std::string_view key, const SnapshotHeader& header);
Bytes encode_ref_count(std::string_view key, std::int64_t count);

// Payloads of verified records; Errc::corruption naming `where` (the URI and
// store) when the layout does not fit.
SnapshotHeader parse_snapshot_header(ByteView payload, std::string_view where);
std::int64_t parse_ref_count(ByteView payload, std::string_view where);

}  // namespace sds::core
