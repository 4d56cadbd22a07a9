#include "backends/sqlite/kv_tables.hpp"

#include <string>
#include <vector>

#include "core/errors.hpp"

namespace sds::backend::sqlite {
namespace {

// A read buffer up to this size is kept for the next transaction; a larger
// one is given back when the transaction ends.
constexpr std::size_t kKeptBufferBytes = std::size_t{4} << 20;

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += kDigits[byte >> 4];
    out += kDigits[byte & 15];
  }
  return out;
}

}  // namespace

void KvTables::require_writes() const {
  if (!writes_) {
    throw Error(Errc::unsupported, "sqlite: cannot write to " +
                                       core::in_quotes(connection_.settings().uri) +
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
  if (out_of_line(get, 0)) return read_value(get.column_int(0), key);
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
    const std::string_view key = as_chars(statement.column(0));
    const ByteView value =
        out_of_line(statement, 1) ? read_value(statement.column_int(1), key) : statement.column(1);
    if (!visit(key, value)) return;
  }
  if (rc != SQLITE_DONE) connection_.fail(rc, "scanning");
}

ByteView KvTables::read_value(std::int64_t id, std::string_view key) {
  // Straight from the pages (or the memory map) into the buffer: faster than a
  // SELECT for large values, which first assembles the value in a copy of
  // SQLite's own.
  sqlite3_blob* blob = nullptr;
  int rc = sqlite3_blob_open(connection_.get(), "main", "sds_values", "v", id, 0, &blob);
  if (rc == SQLITE_ERROR) {  // no such row
    sqlite3_blob_close(blob);
    throw Error(Errc::corruption, "sqlite: the row of key x'" + hex(key) + "' in " +
                                      core::in_quotes(connection_.settings().uri) +
                                      " refers to row " + std::to_string(id) +
                                      " of sds_values, which does not exist; restore a backup");
  }
  if (rc != SQLITE_OK) {
    sqlite3_blob_close(blob);
    connection_.fail(rc, "reading a value");
  }
  const auto size = static_cast<std::size_t>(sqlite3_blob_bytes(blob));
  if (size > buffer_size_) {
    buffer_ = std::make_unique_for_overwrite<std::uint8_t[]>(size);
    buffer_size_ = size;
  }
  rc = sqlite3_blob_read(blob, buffer_.get(), static_cast<int>(size), 0);
  sqlite3_blob_close(blob);
  if (rc != SQLITE_OK) connection_.fail(rc, "reading a value");
  return {buffer_.get(), size};
}

void KvTables::put(std::string_view key, ByteView value) {
  require_writes();
  if (key.size() + value.size() <= inline_limit_) {
    Statement& put_inline = connection_.ready(put_inline_);
    put_inline.bind(1, key);
    put_inline.bind(2, value);
    connection_.step_done(put_inline, "writing");
    if (sqlite3_changes(connection_.get()) > 0) return;
    // The key's value was out of line.
    Statement& make_inline = connection_.ready(make_inline_);
    make_inline.bind(1, key);
    make_inline.bind(2, value);
    connection_.step_done(make_inline, "writing");
    Statement& erase_value = connection_.ready(erase_value_);
    erase_value.bind(1, key);
    connection_.step_done(erase_value, "writing");
    return;
  }
  Statement& put_value = connection_.ready(put_value_);
  put_value.bind(1, key);
  put_value.bind(2, value);
  int rc = sqlite3_step(put_value.get());
  const std::int64_t id = rc == SQLITE_ROW ? put_value.column_int(0) : 0;
  if (rc == SQLITE_ROW) rc = sqlite3_step(put_value.get());
  put_value.reset();
  if (rc != SQLITE_DONE) connection_.fail(rc, "writing");
  Statement& put_ref = connection_.ready(put_ref_);
  put_ref.bind(1, key);
  put_ref.bind(2, id);
  connection_.step_done(put_ref, "writing");
}

bool KvTables::insert(std::string_view key, ByteView value) {
  require_writes();
  if (key.size() + value.size() <= inline_limit_) {
    // One statement: an append of a patch costs one lookup, not a get and a put.
    Statement& insert_inline = connection_.ready(insert_inline_);
    insert_inline.bind(1, key);
    insert_inline.bind(2, value);
    connection_.step_done(insert_inline, "writing");
    return sqlite3_changes(connection_.get()) > 0;
  }
  Statement& exists = connection_.ready(exists_);
  exists.bind(1, key);
  const int rc = sqlite3_step(exists.get());
  exists.reset();
  if (rc == SQLITE_ROW) return false;
  if (rc != SQLITE_DONE) connection_.fail(rc, "reading");
  put(key, value);
  return true;
}

void KvTables::erase(std::string_view key) {
  require_writes();
  Statement& erase = connection_.ready(erase_);
  erase.bind(1, key);
  connection_.step_done(erase, "deleting");
  Statement& erase_value = connection_.ready(erase_value_);
  erase_value.bind(1, key);
  connection_.step_done(erase_value, "deleting");
}

void KvTables::erase_range(std::string_view from, std::string_view to) {
  require_writes();
  // The values of the range first, found through the index of sds_values(k):
  // the rows of sds_kv then go in one pass, as fast as without sds_values.
  Statement& erase_values = connection_.ready(erase_values_);
  erase_values.bind(1, from);
  erase_values.bind(2, to);
  connection_.step_done(erase_values, "deleting a range");
  Statement& erase_range = connection_.ready(erase_range_);
  erase_range.bind(1, from);
  erase_range.bind(2, to);
  connection_.step_done(erase_range, "deleting a range");
  if (sqlite3_changes(connection_.get()) > 0) erased_a_range_ = true;
}

std::size_t KvTables::move_large_values_out_of_line() {
  require_writes();
  std::vector<std::string> keys;
  {
    // length() of a BLOB reads no overflow page.
    Statement large;
    connection_.prepare(
        large, "SELECT k FROM sds_kv WHERE typeof(v) = 'blob' AND length(k) + length(v) > ?1");
    large.bind(1, static_cast<std::int64_t>(inline_limit_));
    int rc;
    while ((rc = sqlite3_step(large.get())) == SQLITE_ROW)
      keys.emplace_back(as_chars(large.column(0)));
    if (rc != SQLITE_DONE) connection_.fail(rc, "finding large values");
  }
  for (const std::string& key : keys) {
    const ByteView stored = get(key).value();
    const Bytes value(stored.begin(), stored.end());
    put(key, value);
  }
  get_.reset();
  return keys.size();
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

void KvTables::finish() {
  get_.reset();
  erased_a_range_ = false;
  if (buffer_size_ > kKeptBufferBytes) {
    buffer_.reset();
    buffer_size_ = 0;
  }
}

}  // namespace sds::backend::sqlite
