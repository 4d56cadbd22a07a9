// The contents of a Store-level scheme's database (docs/DESIGN.md section
// 13), read through the public Database::visit_contents() and handed on as
// read_contents() hands on a key-value database's: records as the core
// stores them, so that copy, export and staging take them alike.
#pragma once

#include "core/maintenance/contents.hpp"
#include "core/record.hpp"
#include "sds/database.hpp"

namespace sds::core::maintenance {

// The selected stores of `source`, sorted, each once. Throws Errc::not_found
// for a selected store that does not exist.
std::vector<std::string> select_store_ids(Database& source, const Selection& selection);

// Reads the selected contents of `source` and hands them to `visitor`: per
// store a snapshot header and snapshot record (snapshot compressed as
// `compression` says) and a record per patch; then the blobs (compressed
// alike) with their reference counts.
ContentCounts read_database_contents(Database& source, const Selection& selection,
                                     ContentVisitor& visitor, const Progress& progress,
                                     const Compression& compression);

}  // namespace sds::core::maintenance
