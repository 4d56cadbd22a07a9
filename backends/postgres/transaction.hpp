// The kv transactions of the postgres:// backend: each call one statement on
// the table, by primary key or a key range, so that the SQL stays within what
// PostgreSQL-compatible servers accept (docs/DESIGN.md section 8.6).
#pragma once

#include <string>

#include "backends/postgres/connection.hpp"
#include "sds/kv.hpp"

namespace sds::backend::pg {

// The statements on one table, spelled once.
struct Statements {
  explicit Statements(const std::string& quoted_table);
  std::string create;
  std::string columns;  // selects no row: which columns the table has
  std::string get;
  std::string scan_from;          // k >= $1
  std::string scan_after;         // k > $1
  std::string scan_from_before;   // k >= $1 AND k < $2
  std::string scan_after_before;  // k > $1 AND k < $2
  std::string put;
  std::string insert;
  std::string erase;
  std::string erase_range;
};

// One transaction on one connection, begun and ended by the caller. Remembers
// the first failure that asks for a rerun or a reconnect, even when the
// caller's function caught its exception.
class Transaction final : public kv::WriteTransaction {
 public:
  Transaction(Connection& connection, const Statements& statements)
      : connection_(connection), statements_(statements) {}

  std::optional<ByteView> get(std::string_view key) override;
  void scan(std::string_view from, std::string_view to, const kv::ScanVisitor& visit) override;
  void put(std::string_view key, ByteView value) override;
  bool insert(std::string_view key, ByteView value) override;
  void erase(std::string_view key) override;
  void erase_range(std::string_view from, std::string_view to) override;
  void nested(const std::function<void(kv::WriteTransaction&)>& fn) override;

  Failure failure() const { return failure_; }

 private:
  Result run(const std::string& sql, const Params& params);

  Connection& connection_;
  const Statements& statements_;
  Result last_;  // holds what get() returned until the next call
  int savepoints_ = 0;
  Failure failure_ = Failure::none;
};

}  // namespace sds::backend::pg
