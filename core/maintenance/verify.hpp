// sdsctl verify: reads every record of a database and reports what is wrong,
// instead of stopping at the first damage as the store's own reads do.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/maintenance/progress.hpp"
#include "core/shared_backend.hpp"

namespace sds::core::maintenance {

struct Finding {
  enum class Severity {
    problem,  // damage or an inconsistency: verify fails
    note,     // worth knowing, not wrong (patches a checkpoint could have pruned)
  };
  Severity severity = Severity::problem;
  std::string message;  // names the store, record or blob
};

struct VerifyReport {
  std::uint32_t format_version = 0;
  std::uint64_t stores = 0;
  std::uint64_t records = 0;  // every record read, blobs and catalog included
  std::uint64_t bytes = 0;    // their stored bytes
  std::uint64_t problems = 0;
  std::uint64_t notes = 0;
  // The first kMaxListedFindings findings, in key order.
  std::vector<Finding> findings;
  // The backend's own check of its files; its problems are findings too.
  kv::IntegrityCheck backend_check;
};

inline constexpr std::size_t kMaxListedFindings = 1000;

// Checks the format record, the store id table, every store record (framing,
// checksum, decompression, snapshot header against snapshot, patch clocks
// against the snapshot's), every blob against its reference count (missing,
// zero or below, or a count without data), and keys of no known kind, then
// runs the backend's own check (kv::Backend::check_integrity). Memory stays
// bounded. Throws only when it cannot read at all (io_error, busy).
VerifyReport verify_database(SharedBackend& shared, const Progress& progress);

}  // namespace sds::core::maintenance
