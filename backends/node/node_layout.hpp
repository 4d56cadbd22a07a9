// Which layout an SQLite file holds, and creating the Node package's tables
// (docs/FORMAT.md, "The sds-node: layout"): a file of sds-persistence's own
// sqlite: layout, or of another application, is refused with a message that
// names what it holds.
#pragma once

#include "backends/sqlite/connection.hpp"
#include "sds/registry.hpp"

namespace sds::backend::node {

// The tables of staged transfers (docs/DESIGN.md section 13), beside the
// Node package's; it never reads them.
inline constexpr const char* kStagingTables[] = {"sds_staging", "sds_staged_stores",
                                                 "sds_staged_snapshots", "sds_staged_patches",
                                                 "sds_staged_blobs"};

// Checks the file's tables; on a writable open switches it to WAL and creates
// what is missing, as the Node package does. Throws Errc::corruption for
// another layout, not_found for a read-only open of a file without the tables.
void prepare_layout(sqlite::Connection& connection, const BackendConfig& config);

}  // namespace sds::backend::node
