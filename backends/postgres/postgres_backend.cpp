#include "backends/postgres/postgres_backend.hpp"

#include <exception>
#include <random>
#include <thread>

#include "backends/postgres/connection_pool.hpp"
#include "backends/postgres/settings.hpp"
#include "backends/postgres/transaction.hpp"
#include "core/errors.hpp"

namespace sds::backend {
namespace {

using namespace pg;
using Clock = std::chrono::steady_clock;

constexpr Oid kByteaOid = 17;  // pg_type.oid of bytea, fixed in every PostgreSQL

// Ends the open transaction of `connection` after a failure, which the caller
// reports; a connection that fails at this too is broken, and dropped.
void roll_back(Connection& connection) {
  if (connection.broken()) return;
  try {
    connection.run("ROLLBACK");
  } catch (const Error&) {
    // Nothing of the transaction committed; the caller's error says why.
    connection.discard();
  }
}

class PostgresBackend final : public kv::Backend {
 public:
  explicit PostgresBackend(const BackendConfig& config);
  ~PostgresBackend() override;

  void view(const std::function<void(kv::ReadTransaction&)>& fn) override;
  void update(const std::function<void(kv::WriteTransaction&)>& fn) override;
  void flush() override;

 private:
  void prepare_table();
  // The outcome of one try at a write transaction: which failure, and the
  // exception to throw when it is not rerun.
  struct Attempt {
    Failure failure = Failure::none;
    std::exception_ptr error;
  };
  Attempt try_update(const std::function<void(kv::WriteTransaction&)>& fn);

  std::string uri_;
  SyncMode sync_;
  bool read_only_;
  Settings settings_;
  Statements statements_;
  ConnectionPool pool_;
};

PostgresBackend::PostgresBackend(const BackendConfig& config)
    : uri_(config.uri),
      sync_(config.sync),
      read_only_(config.read_only),
      settings_(read_settings(config)),
      statements_(settings_.quoted_table),
      pool_(settings_, uri_, sync_) {
  prepare_table();
}

PostgresBackend::~PostgresBackend() {
  // A clean close keeps every write, whatever the sync mode (section 9).
  if (sync_ == SyncMode::off && !read_only_) {
    try {
      flush();
    } catch (const Error&) {
      // Nothing to report to from a destructor: the server's own
      // wal_writer_delay makes the writes durable within moments.
    }
  }
}

// Creates the table unless it exists (or, read-only, finds it), then checks
// that it is ours: two bytea columns k and v.
void PostgresBackend::prepare_table() {
  const Lease lease = pool_.acquire();
  Connection& connection = *lease;
  const std::string table = core::in_quotes(uri_) + ", table '" + settings_.table + "'";
  if (!read_only_) {
    try {
      connection.run(statements_.create.c_str());
    } catch (const StatementError& error) {
      // Two processes creating the table at once: one of them gets a unique
      // violation (23505) from the catalog; the table exists then.
      if (error.code() != Errc::io_error) throw;
      connection.run(statements_.create.c_str());
    }
  }
  Result columns;
  try {
    columns = connection.run(statements_.columns.c_str());
  } catch (const StatementError& error) {
    if (error.code() == Errc::not_found) {
      throw Error(Errc::not_found, "cannot open " + table + " read-only: the table does not exist",
                  "check the table parameter; an open for reading only creates nothing");
    }
    // 42703, undefined column: a table of another application.
    throw Error(Errc::corruption,
                "cannot open " + table + ": the table is not an sds-persistence table (" +
                    std::string(error.message()) + ")",
                "name another table with the table parameter");
  }
  const PGresult* result = columns.get();
  if (PQnfields(result) != 2 || PQftype(result, 0) != kByteaOid ||
      PQftype(result, 1) != kByteaOid) {
    throw Error(Errc::corruption,
                "cannot open " + table +
                    ": its columns k and v are not bytea, so it is another "
                    "application's table, left untouched",
                "name another table with the table parameter");
  }
}

void PostgresBackend::view(const std::function<void(kv::ReadTransaction&)>& fn) {
  const Lease lease = pool_.acquire();
  Connection& connection = *lease;
  Transaction txn(connection, statements_);
  connection.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    fn(txn);
  } catch (...) {
    roll_back(connection);
    throw;
  }
  connection.run("COMMIT");
}

PostgresBackend::Attempt PostgresBackend::try_update(
    const std::function<void(kv::WriteTransaction&)>& fn) {
  Attempt attempt;
  const Lease lease = pool_.acquire();
  Connection& connection = *lease;
  Transaction txn(connection, statements_);
  try {
    connection.run("BEGIN ISOLATION LEVEL SERIALIZABLE");
    fn(txn);
    // fn may have caught a failure that dooms the transaction itself.
    if (txn.failure() == Failure::none) connection.commit();
  } catch (const StatementError& error) {
    attempt.failure = error.failure();
    attempt.error = std::current_exception();
  } catch (...) {
    attempt.error = std::current_exception();
  }
  if (txn.failure() != Failure::none) {
    attempt.failure = txn.failure();
    // fn caught the failure and returned: the error to report, if not rerun.
    if (!attempt.error) {
      attempt.error = std::make_exception_ptr(
          Error(Errc::io_error,
                "postgres: a write to " + core::in_quotes(uri_) +
                    " failed, and the function that made it went on regardless",
                "the write was not made; make it again"));
    }
  }
  if (attempt.failure == Failure::only_local) return attempt;  // committed
  if (attempt.error || attempt.failure != Failure::none) roll_back(connection);
  return attempt;
}

void PostgresBackend::update(const std::function<void(kv::WriteTransaction&)>& fn) {
  if (read_only_) {
    throw Error(Errc::unsupported,
                "cannot write to " + core::in_quotes(uri_) + ": it is open read-only",
                "open it for writing");
  }
  const Clock::time_point deadline = Clock::now() + settings_.timeout;
  std::minstd_rand random(std::random_device{}());
  bool reconnected = false;
  for (auto backoff = std::chrono::milliseconds(1);;
       backoff = std::min(backoff * 2, std::chrono::milliseconds(50))) {
    const Attempt attempt = try_update(fn);
    switch (attempt.failure) {
      case Failure::none:
        if (attempt.error) std::rethrow_exception(attempt.error);
        return;
      case Failure::only_local:
        // Committed on the primary: what sync=off and normal promise; not what
        // sync=full promises, which the error says.
        if (sync_ == SyncMode::full) std::rethrow_exception(attempt.error);
        return;
      case Failure::retry:
        if (Clock::now() + backoff >= deadline) {
          throw Error(Errc::busy,
                      "postgres: a write to " + core::in_quotes(uri_) +
                          " conflicted with other writers for " +
                          std::to_string(settings_.timeout.count()) + " ms",
                      "try again; fewer writers to the same stores conflict less");
        }
        // Conflicting writers back off by different amounts.
        std::this_thread::sleep_for(backoff / 2 + backoff * (random() % 64) / 128);
        break;
      case Failure::broken:
        // Nothing committed: a connection that died before COMMIT. Once, on a
        // new connection (after a failover, to the new primary).
        if (reconnected) std::rethrow_exception(attempt.error);
        reconnected = true;
        break;
      case Failure::unknown:
        std::rethrow_exception(attempt.error);
    }
  }
}

void PostgresBackend::flush() {
  if (read_only_ || sync_ != SyncMode::off) return;  // local and on commits are flushed already
  // A transaction that writes waits, at its commit under synchronous_commit
  // local, for the WAL up to its commit record: every earlier commit included.
  // The empty key, which the core never writes, is written and erased.
  const Lease lease = pool_.acquire();
  Connection& connection = *lease;
  try {
    connection.run("BEGIN");
    connection.run("SET LOCAL synchronous_commit TO local");
    connection.run(statements_.insert.c_str(), {as_bytes(""), as_bytes("")});
    connection.run(statements_.erase.c_str(), {as_bytes("")});
    connection.commit();
  } catch (const StatementError& error) {
    if (error.failure() == Failure::only_local) return;  // local is what flush() promises
    roll_back(connection);
    throw;
  }
}

std::shared_ptr<kv::Backend> open_postgres(const BackendConfig& config) {
  return std::make_shared<PostgresBackend>(config);
}

}  // namespace

BackendInfo postgres_backend() {
  BackendInfo info;
  info.scheme = "postgres";
  info.description =
      "PostgreSQL table (libpq): one database for many processes on many machines; multi-host "
      "URIs fail over to a new primary";
  info.path_kind = PathKind::server;
  info.capabilities = {.persistent = true, .multi_process = true, .concurrent_writes = true};
  info.params = pg::postgres_params();
  info.target_params = pg::postgres_target_params();
  info.open_kv = open_postgres;
  return info;
}

}  // namespace sds::backend
