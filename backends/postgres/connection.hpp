// One libpq connection of the postgres:// backend (docs/DESIGN.md section
// 8.6): connecting with the decoded parts of the URI, running one statement
// with a deadline, and turning libpq's results into sds::Error by SQLSTATE.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "sds/error.hpp"
#include "sds/types.hpp"

namespace sds::backend::pg {

using Deadline = std::chrono::steady_clock::time_point;

// The libpq keywords and values of a connection, as PQconnectdbParams takes them.
struct ConnectParams {
  std::vector<std::string> keywords;
  std::vector<std::string> values;
};

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// A statement's bytea parameters, sent in binary.
using Params = std::vector<ByteView>;

// How a statement failed, beyond the sds::Error it throws.
enum class Failure {
  none,
  retry,       // a serialization failure or deadlock: rerun the transaction
  broken,      // the connection is gone; nothing of an open transaction committed
  only_local,  // COMMIT: committed on the primary, the synchronous standbys did not confirm
  unknown,     // COMMIT: the connection broke or timed out; the outcome is unknown
};

// Thrown by Connection: an sds::Error with the Failure that caused it.
class StatementError : public Error {
 public:
  StatementError(Failure failure, Error error) : Error(std::move(error)), failure_(failure) {}
  Failure failure() const noexcept { return failure_; }

 private:
  Failure failure_;
};

class Connection {
 public:
  // Connects; throws sds::Error: io_error (unreachable, authentication, no
  // server that accepts writes), not_found (no such database), busy (too many
  // connections, the server starting or stopping). `uri` (password masked) is
  // for messages; `timeout` bounds each statement.
  Connection(const ConnectParams& params, std::string uri, std::chrono::milliseconds timeout);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `sql` (no parameters, text) or `sql` with bytea parameters, results in
  // binary. Throws StatementError when it fails; the connection is broken()
  // afterwards when the failure was the connection's.
  Result run(const char* sql, const Params& params = {});
  // COMMIT, with a deadline for a synchronous standby's confirmation: throws
  // StatementError with Failure::only_local when it did not come in time.
  void commit();

  bool broken() const { return broken_; }
  // Marks the connection broken, so that the pool drops it: its state is
  // unknown (a ROLLBACK that failed).
  void discard() { broken_ = true; }
  std::string_view uri() const { return uri_; }

 private:
  Result wait_for_result(const char* sql, Deadline deadline, bool committing);
  [[noreturn]] void lose(const std::string& what, Failure failure);
  static void on_notice(void* self, const PGresult* notice);

  PGconn* conn_ = nullptr;
  std::string uri_;
  std::chrono::milliseconds timeout_;
  bool broken_ = false;
  bool warned_ = false;  // a WARNING notice arrived during the current statement
};

// The SQLSTATE of `result`, or "" when it has none.
std::string sqlstate(const PGresult* result);

}  // namespace sds::backend::pg
