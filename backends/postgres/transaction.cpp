#include "backends/postgres/transaction.hpp"

#include <cstdlib>

namespace sds::backend::pg {
namespace {

// Rows per scan statement: a scan that stops early reads at most this many more.
constexpr int kScanBatch = 256;

ByteView value_of(const PGresult* result, int row, int column) {
  return {reinterpret_cast<const std::uint8_t*>(PQgetvalue(result, row, column)),
          static_cast<std::size_t>(PQgetlength(result, row, column))};
}

}  // namespace

Statements::Statements(const std::string& t) {
  const std::string scan = "SELECT k, v FROM " + t + " WHERE ";
  const std::string order = " ORDER BY k LIMIT " + std::to_string(kScanBatch);
  create = "CREATE TABLE IF NOT EXISTS " + t + " (k bytea PRIMARY KEY, v bytea NOT NULL)";
  columns = "SELECT k, v FROM " + t + " LIMIT 0";
  get = "SELECT v FROM " + t + " WHERE k = $1";
  scan_from = scan + "k >= $1" + order;
  scan_after = scan + "k > $1" + order;
  scan_from_before = scan + "k >= $1 AND k < $2" + order;
  scan_after_before = scan + "k > $1 AND k < $2" + order;
  put = "INSERT INTO " + t + " (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = excluded.v";
  insert = "INSERT INTO " + t + " (k, v) VALUES ($1, $2) ON CONFLICT (k) DO NOTHING";
  erase = "DELETE FROM " + t + " WHERE k = $1";
  erase_range = "DELETE FROM " + t + " WHERE k >= $1 AND k < $2";
}

Result Transaction::run(const std::string& sql, const Params& params) {
  last_.reset();
  try {
    return connection_.run(sql.c_str(), params);
  } catch (const StatementError& error) {
    if (failure_ == Failure::none) failure_ = error.failure();
    throw;
  }
}

std::optional<ByteView> Transaction::get(std::string_view key) {
  Result result = run(statements_.get, {as_bytes(key)});
  if (PQntuples(result.get()) == 0) return std::nullopt;
  last_ = std::move(result);
  return value_of(last_.get(), 0, 0);
}

void Transaction::scan(std::string_view from, std::string_view to, const kv::ScanVisitor& visit) {
  std::string after;  // the last key visited, once a batch was full
  bool first = true;
  for (;;) {
    const std::string_view start = first ? from : std::string_view(after);
    const std::string& sql =
        to.empty() ? (first ? statements_.scan_from : statements_.scan_after)
                   : (first ? statements_.scan_from_before : statements_.scan_after_before);
    Params params{as_bytes(start)};
    if (!to.empty()) params.push_back(as_bytes(to));
    const Result batch = run(sql, params);
    const int rows = PQntuples(batch.get());
    for (int row = 0; row < rows; ++row) {
      if (!visit(as_chars(value_of(batch.get(), row, 0)), value_of(batch.get(), row, 1))) return;
    }
    if (rows < kScanBatch) return;
    after = as_chars(value_of(batch.get(), rows - 1, 0));
    first = false;
  }
}

void Transaction::put(std::string_view key, ByteView value) {
  run(statements_.put, {as_bytes(key), value});
}

bool Transaction::insert(std::string_view key, ByteView value) {
  const Result result = run(statements_.insert, {as_bytes(key), value});
  return std::atoi(PQcmdTuples(result.get())) == 1;
}

void Transaction::erase(std::string_view key) { run(statements_.erase, {as_bytes(key)}); }

void Transaction::erase_range(std::string_view from, std::string_view to) {
  run(statements_.erase_range, {as_bytes(from), as_bytes(to)});
}

void Transaction::nested(const std::function<void(kv::WriteTransaction&)>& fn) {
  const std::string name = "sds_" + std::to_string(savepoints_++);
  run("SAVEPOINT " + name, {});
  try {
    fn(*this);
  } catch (...) {
    --savepoints_;
    // After a failure that reruns or reconnects, the whole transaction goes.
    if (failure_ == Failure::none && !connection_.broken()) {
      run("ROLLBACK TO SAVEPOINT " + name, {});
      run("RELEASE SAVEPOINT " + name, {});
    }
    throw;
  }
  --savepoints_;
  run("RELEASE SAVEPOINT " + name, {});
}

}  // namespace sds::backend::pg
