#include "backends/sqlite/schema.hpp"

#include <string>

namespace sds::backend::sqlite {
namespace {

constexpr const char* kCreateKv =
    "CREATE TABLE sds_kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID";

}  // namespace

Layout read_layout(Connection& connection) {
  bool has_kv = false;
  int other_tables = 0;
  Statement tables;
  connection.prepare(tables, "SELECT name FROM sqlite_master WHERE type = 'table'");
  int rc;
  while ((rc = sqlite3_step(tables.get())) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(tables.get(), 0));
    if (std::string_view(text ? text : "") == "sds_kv") {
      has_kv = true;
    } else {
      ++other_tables;
    }
  }
  if (rc != SQLITE_DONE) connection.fail(rc, "reading the schema");
  if (has_kv) return Layout::inline_only;
  if (other_tables == 0) return Layout::none;
  throw Error(Errc::corruption, "'" + connection.settings().uri +
                                    "' is an SQLite database of another application (it has "
                                    "tables, none of them sds_kv); refusing to touch it");
}

Layout prepare_for_writing(Connection& connection) {
  if (connection.settings().path != ":memory:") {
    connection.exec("PRAGMA journal_mode=WAL", "switching to WAL");
  }
  // Almost always the table is there already: a read tells.
  if (read_layout(connection) != Layout::none) return Layout::inline_only;
  connection.exec("BEGIN IMMEDIATE", "beginning the schema transaction");
  try {
    // Read under the write lock: another process may have just done this.
    const Layout found = read_layout(connection);
    if (found == Layout::none) connection.exec(kCreateKv, "creating the table");
    connection.exec("COMMIT", "committing the schema");
    return found;
  } catch (...) {
    sqlite3_exec(connection.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace sds::backend::sqlite
