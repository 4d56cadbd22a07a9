// The table of the sqlite: backend (docs/FORMAT.md, "Backends"): whether a
// file holds it, and creating it.
#pragma once

#include "backends/sqlite/connection.hpp"

namespace sds::backend::sqlite {

enum class Layout {
  none,         // no sds_kv table: a new, empty database
  inline_only,  // sds_kv (k, v), every value inline
};

// The layout of the connection's database. Throws Errc::corruption for a
// database of another application (tables, none of them sds_kv).
Layout read_layout(Connection& connection);

// Makes a database opened for writing hold the table, in one transaction, and
// switches a file to the WAL journal. Returns the layout found.
Layout prepare_for_writing(Connection& connection);

}  // namespace sds::backend::sqlite
