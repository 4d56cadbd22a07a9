// The payloads of the small fixed records (docs/FORMAT.md, "Keys"): the
// snapshot header and the blob reference count. One definition, for the store
// code and for the maintenance tools alike.
#pragma once

#include <cstdint>
#include <string>
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

// The records of the staging area (docs/FORMAT.md, "Staging").
// "T" "h": the process that stages (so that another can tell a running
// staging from one that was interrupted) and a token of this staging.
struct StagingHeader {
  std::uint64_t pid = 0;
  std::uint64_t pid_started = 0;  // the process's start time (clock ticks since boot), 0 unknown
  std::uint64_t token = 0;        // random, told apart from an earlier staging of the same process
  std::uint64_t started = 0;      // seconds since the epoch
  std::string host;
  std::string boot_id;  // of the host's current boot, empty where unknown
};
// "T" "s" sequence: a staged store, whose records lie under `number`.
struct StagedStore {
  std::uint64_t number = 0;
  std::string id;
};
// "T" "b" hash: a staged blob: the count to add at publication, and whether
// the staging wrote the blob's data (which a removal then deletes again).
struct StagedBlob {
  std::int64_t ref_count = 0;
  bool data_written = false;
};
Bytes encode_staging_header(std::string_view key, const StagingHeader& header);
Bytes encode_staged_store(std::string_view key, const StagedStore& store);
Bytes encode_staged_blob(std::string_view key, const StagedBlob& blob);
StagingHeader parse_staging_header(ByteView payload, std::string_view where);
StagedStore parse_staged_store(ByteView payload, std::string_view where);
StagedBlob parse_staged_blob(ByteView payload, std::string_view where);

}  // namespace sds::core
