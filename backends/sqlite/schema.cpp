#include "backends/sqlite/schema.hpp"

#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/keys.hpp"

namespace sds::backend::sqlite {
namespace {

// As in format 1. A column of BLOB affinity keeps what it is given: a BLOB is
// the value, an INTEGER the id of the value in sds_values.
constexpr const char* kCreateKv =
    "CREATE TABLE sds_kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID";
// k repeats the key of the sds_kv row that refers to the value, so that a
// range deletion finds the values of its range through this table's index.
constexpr const char* kCreateValues =
    "CREATE TABLE sds_values (id INTEGER PRIMARY KEY, k BLOB NOT NULL UNIQUE, v BLOB NOT NULL)";

[[noreturn]] void refuse(const Connection& connection, const std::string& why) {
  throw Error(Errc::corruption, core::in_quotes(connection.settings().uri) + " " + why,
              "check the path; a new database needs a new file");
}

// The column names of `table`, in order.
std::vector<std::string> columns_of(Connection& connection, const char* table) {
  Statement statement;
  connection.prepare(statement, "SELECT name FROM pragma_table_info(?)");
  sqlite3_bind_text(statement.get(), 1, table, -1, SQLITE_STATIC);
  std::vector<std::string> names;
  int rc;
  while ((rc = sqlite3_step(statement.get())) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 0));
    names.emplace_back(text ? text : "");
  }
  if (rc != SQLITE_DONE) connection.fail(rc, "reading the schema");
  return names;
}

// A table of our name with other columns belongs to someone else: reading or
// writing it would fail with an SQL error, which is not an I/O error.
void check_columns(Connection& connection, const char* table,
                   const std::vector<std::string>& expected) {
  const std::vector<std::string> found = columns_of(connection, table);
  if (found == expected) return;
  std::string listed;
  for (const std::string& name : found) {
    listed += (listed.empty() ? "" : ", ") + core::keys::printable(name);
  }
  refuse(connection, "has a table " + std::string(table) + " with the columns (" + listed +
                         "), not those of sds-persistence; refusing to touch it");
}

}  // namespace

Layout read_layout(Connection& connection) {
  bool has_kv = false;
  bool has_values = false;
  // Whether the table was created by our own statement: its columns are ours
  // then, and reading them again (pragma_table_info) is not needed.
  bool kv_ours = false;
  bool values_ours = false;
  int other_tables = 0;
  int node_tables = 0;  // of the npm package @rozek/sds-persistence-node
  Statement tables;
  connection.prepare(tables, "SELECT name, sql FROM sqlite_master WHERE type = 'table'");
  int rc;
  while ((rc = sqlite3_step(tables.get())) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(tables.get(), 0));
    const auto* sql = reinterpret_cast<const char*>(sqlite3_column_text(tables.get(), 1));
    const std::string_view name(text ? text : "");
    const std::string_view created(sql ? sql : "");
    if (name == "sds_kv") {
      has_kv = true;
      kv_ours = created == kCreateKv;
    } else if (name == "sds_values") {
      has_values = true;
      values_ours = created == kCreateValues;
    } else {
      ++other_tables;
      if (name == "snapshots" || name == "patches" || name == "blobs") ++node_tables;
    }
  }
  if (rc != SQLITE_DONE) connection.fail(rc, "reading the schema");
  if (has_kv && !kv_ours) check_columns(connection, "sds_kv", {"k", "v"});
  if (has_values && !values_ours) check_columns(connection, "sds_values", {"id", "k", "v"});
  if (has_kv) return has_values ? Layout::split : Layout::inline_only;
  if (other_tables == 0 && !has_values) return Layout::none;
  if (node_tables == 3) {
    const std::string path = core::keys::printable(connection.settings().path, core::keys::kWhole);
    throw Error(Errc::corruption,
                core::in_quotes(connection.settings().uri) +
                    " holds the layout of the Node package @rozek/sds-persistence-node "
                    "(tables blobs, patches, snapshots), not sds-persistence's own (sds_kv)",
                "open it as sds-node:" + path +
                    ", or copy it into this layout with `sdsctl copy "
                    "sds-node:" +
                    path + " sqlite:NEW.db`");
  }
  refuse(connection,
         "is an SQLite database of another application (it has tables, none of them "
         "sds_kv); refusing to touch it");
}

Layout prepare_for_writing(Connection& connection, int new_page_size) {
  // First a read, which changes nothing: the file of another application is
  // refused before any pragma below could write to it (journal_mode=WAL
  // rewrites bytes 18 and 19 of the header). Almost always the tables are
  // there already, and this read tells.
  const Layout layout = read_layout(connection);
  // The page size of a database is fixed by its first write (and by WAL mode).
  if (layout == Layout::none &&
      connection.query_int("PRAGMA page_count", "reading the page count") == 0) {
    connection.exec("PRAGMA page_size=" + std::to_string(new_page_size), "setting page_size");
  }
  if (connection.settings().path != ":memory:") {
    connection.exec("PRAGMA journal_mode=WAL", "switching to WAL");
  }
  if (layout == Layout::split) return Layout::split;
  connection.exec("BEGIN IMMEDIATE", "beginning the schema transaction");
  try {
    // Read under the write lock: another process may have just done this.
    const Layout found = read_layout(connection);
    if (found == Layout::none) {
      connection.exec(kCreateKv, "creating the tables");
      connection.exec(kCreateValues, "creating the tables");
    } else if (found == Layout::inline_only) {
      connection.exec(kCreateValues, "migrating the tables of format 1");
    }
    connection.exec("COMMIT", "committing the schema");
    return found;
  } catch (...) {
    sqlite3_exec(connection.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::size_t inline_limit(std::int64_t page_size) {
  // SQLite keeps at most (U - 12) * 64 / 255 - 23 bytes of a cell of an index
  // B-tree (which a WITHOUT ROWID table is) on its page, U being the usable
  // page size; the record header of a row takes up to 7 of them.
  const std::int64_t max_local = (page_size - 12) * 64 / 255 - 23;
  return static_cast<std::size_t>(max_local - 7);
}

}  // namespace sds::backend::sqlite
