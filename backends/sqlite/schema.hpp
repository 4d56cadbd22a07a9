// The tables of the sqlite: backend (docs/FORMAT.md, "Backends"): which layout
// a file holds, creating it, and migrating the layout of format 1 on a
// writable open.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backends/sqlite/connection.hpp"

namespace sds::backend::sqlite {

enum class Layout {
  none,         // no sds_kv table: a new, empty database
  inline_only,  // format 1: sds_kv alone, every value inline
  split,        // format 2: sds_kv and sds_values, large values out of line
};

// The layout of the connection's database. Throws Errc::corruption for a
// database of another application (tables, none of them sds_kv).
Layout read_layout(Connection& connection);

// Makes a database opened for writing hold the split layout, in one
// transaction: creates the tables in an empty database (whose pages then have
// `new_page_size` bytes), or migrates the format-1 layout (CREATE TABLE
// sds_values; stored values stay inline until they are rewritten). Switches a
// file to the WAL journal. Returns the layout found.
Layout prepare_for_writing(Connection& connection, int new_page_size);

// The largest row (key plus value bytes) that stays inline in sds_kv on pages
// of `page_size` bytes: the largest whose cell fits its B-tree page without
// overflow pages, which is where a WITHOUT ROWID table turns slow.
std::size_t inline_limit(std::int64_t page_size);

}  // namespace sds::backend::sqlite
