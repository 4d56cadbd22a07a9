// The key-value operations of the kv trait over the table of one connection
// (docs/FORMAT.md, "Backends").
#pragma once

#include <optional>
#include <string_view>

#include "backends/sqlite/connection.hpp"
#include "sds/kv.hpp"

namespace sds::backend::sqlite {

class KvTables {
 public:
  // The statements on `connection`, each prepared on first use; writes need
  // `writes`.
  KvTables(Connection& connection, bool writes) : connection_(connection), writes_(writes) {}
  KvTables(const KvTables&) = delete;
  KvTables& operator=(const KvTables&) = delete;

  // The operations of kv::ReadTransaction and kv::WriteTransaction, inside a
  // transaction the caller began.
  std::optional<ByteView> get(std::string_view key);
  void scan(std::string_view from, std::string_view to, const kv::ScanVisitor& visit);
  void put(std::string_view key, ByteView value);
  void erase(std::string_view key);
  void erase_range(std::string_view from, std::string_view to);
  void savepoint();
  void release_savepoint();
  void rollback_to_savepoint();  // and releases it

  // Called when the transaction ends (either way): ends pending reads.
  void finish();

 private:
  void require_writes() const;

  Connection& connection_;
  bool writes_;
  Statement get_{"SELECT v FROM sds_kv WHERE k = ?1"};
  Statement scan_{"SELECT k, v FROM sds_kv WHERE k >= ?1 AND k < ?2 ORDER BY k"};
  Statement scan_to_end_{"SELECT k, v FROM sds_kv WHERE k >= ?1 ORDER BY k"};
  Statement put_{
      "INSERT INTO sds_kv(k, v) VALUES(?1, ?2) ON CONFLICT(k) DO UPDATE SET v = excluded.v"};
  Statement erase_{"DELETE FROM sds_kv WHERE k = ?1"};
  Statement erase_range_{"DELETE FROM sds_kv WHERE k >= ?1 AND k < ?2"};
  // One name serves every level: SQLite releases or rolls back to the most
  // recent savepoint of a name.
  Statement savepoint_{"SAVEPOINT nested"};
  Statement release_{"RELEASE nested"};
  Statement rollback_to_{"ROLLBACK TO nested"};
};

}  // namespace sds::backend::sqlite
