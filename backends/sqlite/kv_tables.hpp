// The key-value operations of the kv trait over the tables of one connection
// (docs/FORMAT.md, "Backends"): small values inline in sds_kv, large ones in
// sds_values, referred to by their id, an INTEGER in place of the value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "backends/sqlite/connection.hpp"
#include "sds/kv.hpp"

namespace sds::backend::sqlite {

class KvTables {
 public:
  // The statements on `connection`, each prepared on first use. They read
  // either layout: rows of format 1 are all inline. Writes need `writes` and
  // the tables of format 2; rows of more than `inline_limit` bytes (key and
  // value) are then stored out of line.
  KvTables(Connection& connection, std::size_t inline_limit, bool writes)
      : connection_(connection), inline_limit_(inline_limit), writes_(writes) {}
  KvTables(const KvTables&) = delete;
  KvTables& operator=(const KvTables&) = delete;

  // The operations of kv::ReadTransaction and kv::WriteTransaction, inside a
  // transaction the caller began.
  std::optional<ByteView> get(std::string_view key);
  void scan(std::string_view from, std::string_view to, const kv::ScanVisitor& visit);
  void put(std::string_view key, ByteView value);
  bool insert(std::string_view key, ByteView value);
  void erase(std::string_view key);
  void erase_range(std::string_view from, std::string_view to);
  void savepoint();
  void release_savepoint();
  void rollback_to_savepoint();  // and releases it

  // Moves the values of rows over the inline limit that are stored inline
  // (rows written in format 1) out of line; returns how many moved.
  std::size_t move_large_values_out_of_line();

  // Called when the transaction ends (either way): ends pending reads and
  // gives a large read buffer back.
  void finish();

  // Whether erase_range() deleted anything since the last finish().
  bool erased_a_range() const { return erased_a_range_; }

 private:
  // Whether column `column` of the current row of `statement` is the id of a
  // value in sds_values (an INTEGER) rather than the value (a BLOB). Asked
  // before the column is read as a blob, which would convert it.
  static bool out_of_line(const Statement& statement, int column) {
    return sqlite3_column_type(statement.get(), column) == SQLITE_INTEGER;
  }
  // Reads the value of sds_values row `id` (of `key`) into buffer_.
  ByteView read_value(std::int64_t id, std::string_view key);
  void require_writes() const;

  Connection& connection_;
  std::size_t inline_limit_;
  bool writes_;
  // The same in both layouts: format 1 stored nothing but BLOBs in v.
  Statement get_{"SELECT v FROM sds_kv WHERE k = ?1"};
  Statement scan_{"SELECT k, v FROM sds_kv WHERE k >= ?1 AND k < ?2 ORDER BY k"};
  Statement scan_to_end_{"SELECT k, v FROM sds_kv WHERE k >= ?1 ORDER BY k"};
  // An inline put leaves a row whose value is out of line alone (no change):
  // make_inline_ then rewrites it and erase_value_ frees the old value.
  Statement put_inline_{
      "INSERT INTO sds_kv(k, v) VALUES(?1, ?2) "
      "ON CONFLICT(k) DO UPDATE SET v = excluded.v WHERE typeof(v) = 'blob'"};
  Statement insert_inline_{"INSERT OR IGNORE INTO sds_kv(k, v) VALUES(?1, ?2)"};
  Statement exists_{"SELECT 1 FROM sds_kv WHERE k = ?1"};
  Statement make_inline_{"UPDATE sds_kv SET v = ?2 WHERE k = ?1"};
  Statement put_value_{
      "INSERT INTO sds_values(k, v) VALUES(?1, ?2) "
      "ON CONFLICT(k) DO UPDATE SET v = excluded.v RETURNING id"};
  Statement put_ref_{
      "INSERT INTO sds_kv(k, v) VALUES(?1, ?2) ON CONFLICT(k) DO UPDATE SET v = excluded.v"};
  Statement erase_{"DELETE FROM sds_kv WHERE k = ?1"};
  Statement erase_value_{"DELETE FROM sds_values WHERE k = ?1"};
  Statement erase_range_{"DELETE FROM sds_kv WHERE k >= ?1 AND k < ?2"};
  Statement erase_values_{"DELETE FROM sds_values WHERE k >= ?1 AND k < ?2"};
  // One name serves every level: SQLite releases or rolls back to the most
  // recent savepoint of a name.
  Statement savepoint_{"SAVEPOINT nested"};
  Statement release_{"RELEASE nested"};
  Statement rollback_to_{"ROLLBACK TO nested"};
  std::unique_ptr<std::uint8_t[]> buffer_;
  std::size_t buffer_size_ = 0;
  bool erased_a_range_ = false;
};

}  // namespace sds::backend::sqlite
