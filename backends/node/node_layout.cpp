#include "backends/node/node_layout.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "core/errors.hpp"
#include "sds/error.hpp"

namespace sds::backend::node {
namespace {

using sqlite::Connection;
using sqlite::Statement;

// The Node package's schema, as it creates it.
constexpr const char* kCreateTables[] = {
    "CREATE TABLE IF NOT EXISTS snapshots (store_id TEXT PRIMARY KEY, data BLOB NOT NULL, clock "
    "INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS patches (store_id TEXT NOT NULL, clock INTEGER NOT NULL, data "
    "BLOB NOT NULL, PRIMARY KEY (store_id, clock))",
    "CREATE TABLE IF NOT EXISTS blobs (hash TEXT PRIMARY KEY, data BLOB NOT NULL, ref_count "
    "INTEGER NOT NULL DEFAULT 0)",
};
constexpr const char* kNodeTables[] = {"blobs", "patches", "snapshots"};

std::set<std::string> table_names(Connection& connection) {
  std::set<std::string> names;
  Statement tables;
  connection.prepare(tables,
                     "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                     "'sqlite!_%' ESCAPE '!'");
  int rc;
  while ((rc = sqlite3_step(tables.get())) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(tables.get(), 0));
    names.insert(text ? text : "");
  }
  if (rc != SQLITE_DONE) connection.fail(rc, "reading the schema");
  return names;
}

std::string listed(const std::set<std::string>& names) {
  std::string out;
  // Names come from the file: quoted printably, as every byte from the data.
  for (const std::string& name : names) {
    out += (out.empty() ? "" : ", ") + core::keys::printable(name);
  }
  return out;
}

bool known(const std::string& name) {
  return std::find(std::begin(kNodeTables), std::end(kNodeTables), name) != std::end(kNodeTables) ||
         std::find(std::begin(kStagingTables), std::end(kStagingTables), name) !=
             std::end(kStagingTables);
}

// Refuses a file whose tables are not (a part of) the Node package's.
void check_tables(const std::set<std::string>& names, const BackendConfig& config) {
  const std::string quoted = core::in_quotes(config.uri);
  const std::string path = core::keys::printable(config.path, core::keys::kWhole);
  if (names.count("sds_kv")) {
    throw Error(Errc::corruption,
                quoted + " holds sds-persistence's own SQLite layout (tables " + listed(names) +
                    "), not the Node package's (tables blobs, patches, snapshots)",
                "open it as sqlite:" + path +
                    ", or copy it into the Node layout with "
                    "`sdsctl copy sqlite:" +
                    path + " sds-node:NEW.db`");
  }
  if (std::all_of(names.begin(), names.end(), known)) return;
  throw Error(Errc::corruption,
              quoted + " is an SQLite database of another application (tables " + listed(names) +
                  "; the Node package's are blobs, patches, snapshots); refusing to touch it",
              "check the path; a new database needs a new file");
}

}  // namespace

void prepare_layout(Connection& connection, const BackendConfig& config) {
  std::set<std::string> names = table_names(connection);
  check_tables(names, config);
  const bool complete = std::all_of(std::begin(kNodeTables), std::end(kNodeTables),
                                    [&](const char* table) { return names.count(table) > 0; });
  if (config.read_only) {
    if (complete) return;
    throw Error(Errc::not_found,
                "cannot open " + core::in_quotes(config.uri) +
                    " read-only: it does not hold the Node package's tables" +
                    (names.empty() ? "" : " (only " + listed(names) + ")"),
                "check the path");
  }
  connection.exec("PRAGMA journal_mode = WAL", "switching to WAL");
  if (complete) return;
  connection.exec("BEGIN IMMEDIATE", "beginning the schema transaction");
  try {
    // Read under the write lock: another process may have just created them.
    check_tables(table_names(connection), config);
    for (const char* sql : kCreateTables) connection.exec(sql, "creating the tables");
    connection.exec("COMMIT", "committing the schema");
  } catch (...) {
    sqlite3_exec(connection.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace sds::backend::node
