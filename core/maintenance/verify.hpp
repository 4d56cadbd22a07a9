// sdsctl verify: reads every record of a database and reports what is wrong,
// instead of stopping at the first damage as the store's own reads do.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/maintenance/progress.hpp"
#include "core/shared_backend.hpp"
#include "core/staging.hpp"
#include "sds/database.hpp"

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
  // What the layout gives no way to check (no checksums), in a sentence;
  // empty for the core's layout, which checks every record.
  std::string unchecked;
};

inline constexpr std::size_t kMaxListedFindings = 1000;

// Counts a finding in `report`, listing it among the first kMaxListedFindings.
void add_finding(VerifyReport& report, Finding::Severity severity, std::string message);
// Notes a staging area found in the database: a transfer running, or what an
// interrupted one left.
void note_staging(VerifyReport& report, const StagingArea& area);

// Checks the format record, the store id table, every store record (framing,
// checksum, decompression, snapshot header against snapshot, patch clocks
// against the snapshot's), every blob against its reference count (missing,
// zero or below, or a count without data), and keys of no known kind, then
// runs the backend's own check (kv::Backend::check_integrity). Memory stays
// bounded. Throws only when it cannot read at all (io_error, busy).
VerifyReport verify_database(SharedBackend& shared, const Progress& progress);

// The same for a Store-level scheme's database, through
// Database::visit_contents(): reads every record (what the layout can tell
// is damaged throws as it reads), checks patch clocks against the
// snapshot's and blob counts, and runs the storage library's own check
// where the database offers one (core::StoreLevelDatabase). Says in
// `unchecked` what a layout without checksums leaves unchecked.
VerifyReport verify_store_level(Database& database, const Progress& progress);

}  // namespace sds::core::maintenance
