#include "backends/sqlite/kv_tables.hpp"

#include <string>

namespace sds::backend::sqlite {

void KvTables::require_writes() const {
  if (!writes_) {
    throw Error(Errc::unsupported, "sqlite: cannot write to " + connection_.settings().uri +
                                       " through a connection opened for reading");
  }
}

std::optional<ByteView> KvTables::get(std::string_view key) {
  Statement& get = connection_.ready(get_);
  get.reset();  // ends the previous get(), whose view is now invalid
  get.bind(1, key);
  const int rc = sqlite3_step(get.get());
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) {
    get.reset();
    connection_.fail(rc, "reading");
  }
  return get.column(0);
}

void KvTables::scan(std::string_view from, std::string_view to, const kv::ScanVisitor& visit) {
  Statement& statement = connection_.ready(to.empty() ? scan_to_end_ : scan_);
  statement.bind(1, from);
  if (!to.empty()) statement.bind(2, to);
  struct ResetOnExit {
    Statement& statement;
    ~ResetOnExit() { statement.reset(); }
  } reset_on_exit{statement};
  int rc;
  while ((rc = sqlite3_step(statement.get())) == SQLITE_ROW) {
    if (!visit(as_chars(statement.column(0)), statement.column(1))) return;
  }
  if (rc != SQLITE_DONE) connection_.fail(rc, "scanning");
}

void KvTables::put(std::string_view key, ByteView value) {
  require_writes();
  Statement& put = connection_.ready(put_);
  put.bind(1, key);
  put.bind(2, value);
  connection_.step_done(put, "writing");
}

void KvTables::erase(std::string_view key) {
  require_writes();
  Statement& erase = connection_.ready(erase_);
  erase.bind(1, key);
  connection_.step_done(erase, "deleting");
}

void KvTables::erase_range(std::string_view from, std::string_view to) {
  require_writes();
  Statement& erase_range = connection_.ready(erase_range_);
  erase_range.bind(1, from);
  erase_range.bind(2, to);
  connection_.step_done(erase_range, "deleting a range");
}

void KvTables::savepoint() {
  require_writes();
  get_.reset();  // no read may be pending across a savepoint change
  // Ready before they are needed, so that a rollback cannot fail to prepare.
  connection_.ready(release_);
  connection_.ready(rollback_to_);
  connection_.step_done(connection_.ready(savepoint_), "beginning a nested transaction");
}

void KvTables::release_savepoint() {
  get_.reset();
  connection_.step_done(connection_.ready(release_), "ending a nested transaction");
}

void KvTables::rollback_to_savepoint() {
  get_.reset();
  // ROLLBACK TO keeps the savepoint open: RELEASE then drops it. (Both were
  // prepared before: preparing may fail, which must not happen here.)
  sqlite3_step(rollback_to_.get());
  rollback_to_.reset();
  sqlite3_step(release_.get());
  release_.reset();
}

void KvTables::finish() { get_.reset(); }

}  // namespace sds::backend::sqlite
