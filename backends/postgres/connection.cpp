#include "backends/postgres/connection.hpp"

#include <poll.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "core/errors.hpp"

namespace sds::backend::pg {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kReconnectAdvice =
    "the next call reconnects; check that the server is up and, after a failover, that a "
    "primary accepts writes (target_session_attrs=read-write)";
constexpr const char* kUnknownOutcomeAdvice =
    "the write may or may not have been made: read to find out, or make it again (an append at "
    "a clock already taken is kept once)";

// libpq's text on one line, printable, without a trailing newline.
std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text) out.push_back(c == '\n' ? ' ' : c);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return core::keys::printable(out, core::keys::kWhole);
}

bool starts_with(std::string_view state, std::string_view prefix) {
  return state.substr(0, prefix.size()) == prefix;
}

// The SQLSTATE of a server's refusal during connection setup. With
// PQERRORS_SQLSTATE, libpq writes a server's error as "SEVERITY:  CODE" (its
// documented terse form); its own errors (refused, timed out) stay text. The
// last code wins: with several hosts, the last one tried refused for it.
std::string connect_sqlstate(std::string_view message) {
  std::string found;
  for (std::size_t at = message.find(":  "); at != std::string_view::npos;
       at = message.find(":  ", at + 1)) {
    const std::string_view code = message.substr(at + 3, 5);
    const bool is_code = code.size() == 5 && std::all_of(code.begin(), code.end(), [](char c) {
                           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
                         });
    const std::size_t after = at + 8;
    if (is_code && (after == message.size() || message[after] == '\n')) found = code;
  }
  return found;
}

Error connect_error(const std::string& state, const std::string& uri, const std::string& libpq) {
  const std::string head = "cannot connect to " + core::in_quotes(uri) + ": ";
  const std::string tail = " (libpq: " + libpq + ")";
  if (state == "3D000") {
    return Error(Errc::not_found, head + "the database does not exist" + tail,
                 "create it (createdb), or correct the database name in the path");
  }
  if (starts_with(state, "28")) {
    return Error(Errc::io_error, head + "authentication failed" + tail,
                 "check the user and password, and the server's pg_hba.conf");
  }
  if (state == "53300" || state == "57P03") {
    return Error(Errc::busy, head + "the server accepts no connection now" + tail,
                 "try again later, or raise the server's max_connections");
  }
  if (!state.empty()) {
    return Error(Errc::io_error, head + "the server refused (SQLSTATE " + state + ")" + tail,
                 "see the server's log");
  }
  return Error(Errc::io_error, head + "no server reached that accepts this connection" + tail,
               "check the host, port and that the server runs; with several hosts and "
               "target_session_attrs=read-write, that one of them is a primary");
}

}  // namespace

std::string sqlstate(const PGresult* result) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  return state ? state : "";
}

Connection::Connection(const ConnectParams& params, std::string uri,
                       std::chrono::milliseconds timeout)
    : uri_(std::move(uri)), timeout_(timeout) {
  std::vector<const char*> keywords;
  std::vector<const char*> values;
  for (std::size_t i = 0; i < params.keywords.size(); ++i) {
    keywords.push_back(params.keywords[i].c_str());
    values.push_back(params.values[i].c_str());
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  // expand_dbname 0: every value is taken as it is, never parsed as a
  // connection string of its own.
  conn_ = PQconnectStartParams(keywords.data(), values.data(), 0);
  if (conn_ == nullptr) throw core::out_of_memory("connecting to " + core::in_quotes(uri_));
  PQsetErrorVerbosity(conn_, PQERRORS_SQLSTATE);
  const Deadline deadline = Clock::now() + timeout_;
  for (PostgresPollingStatusType status = PGRES_POLLING_WRITING;;) {
    if (PQstatus(conn_) == CONNECTION_BAD) status = PGRES_POLLING_FAILED;
    if (status == PGRES_POLLING_OK) break;
    if (status == PGRES_POLLING_FAILED) {
      const std::string libpq = PQerrorMessage(conn_);
      PQfinish(conn_);
      conn_ = nullptr;
      throw connect_error(connect_sqlstate(libpq), uri_, one_line(libpq));
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd fd{PQsocket(conn_),
              static_cast<short>(status == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
    if (left <= 0 || ::poll(&fd, 1, static_cast<int>(left)) == 0) {
      PQfinish(conn_);
      conn_ = nullptr;
      throw Error(Errc::io_error,
                  "cannot connect to " + core::in_quotes(uri_) + ": no answer within " +
                      std::to_string(timeout_.count()) + " ms",
                  "check the host and port, and the network; the URI's timeout parameter sets "
                  "the wait");
    }
    status = PQconnectPoll(conn_);
  }
  PQsetErrorVerbosity(conn_, PQERRORS_DEFAULT);
  PQsetNoticeReceiver(conn_, &Connection::on_notice, this);
}

Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

void Connection::on_notice(void* self, const PGresult* notice) {
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity != nullptr && std::strcmp(severity, "WARNING") == 0) {
    static_cast<Connection*>(self)->warned_ = true;
  }
}

void Connection::lose(const std::string& what, Failure failure) {
  broken_ = true;
  throw StatementError(
      failure, Error(Errc::io_error,
                     "postgres: " + what + " on " + core::in_quotes(uri_) +
                         (conn_ ? ": " + one_line(PQerrorMessage(conn_)) : std::string()),
                     failure == Failure::unknown ? kUnknownOutcomeAdvice : kReconnectAdvice));
}

Result Connection::run(const char* sql, const Params& params) {
  if (broken_) lose("the connection was lost earlier", Failure::broken);
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (const ByteView param : params) {
    // A non-null pointer for an empty value: null would send SQL NULL.
    values.push_back(param.empty() ? "" : reinterpret_cast<const char*>(param.data()));
    lengths.push_back(static_cast<int>(param.size()));
    formats.push_back(1);
  }
  warned_ = false;
  if (PQsendQueryParams(conn_, sql, static_cast<int>(params.size()), nullptr, values.data(),
                        lengths.data(), formats.data(), 1) == 0) {
    lose("sending a statement failed", Failure::broken);
  }
  return wait_for_result(sql, Clock::now() + timeout_, false);
}

void Connection::commit() {
  warned_ = false;
  if (broken_) lose("the connection was lost before COMMIT", Failure::broken);
  if (PQsendQueryParams(conn_, "COMMIT", 0, nullptr, nullptr, nullptr, nullptr, 1) == 0) {
    lose("sending COMMIT failed", Failure::unknown);
  }
  wait_for_result("COMMIT", Clock::now() + timeout_, true);
}

Result Connection::wait_for_result(const char* sql, Deadline deadline, bool committing) {
  const Failure lost = committing ? Failure::unknown : Failure::broken;
  bool cancelled = false;
  Result last;
  for (;;) {
    while (PQisBusy(conn_) != 0) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      pollfd fd{PQsocket(conn_), POLLIN, 0};
      if (left <= 0 || ::poll(&fd, 1, static_cast<int>(std::max<long long>(left, 0))) == 0) {
        if (cancelled) lose("no answer after cancelling a statement that timed out", lost);
        // Ask the server to cancel; its answer (an error, or for a COMMIT
        // waiting for synchronous standbys: committed locally) comes next.
        char error[256];
        PGcancel* cancel = PQgetCancel(conn_);
        const bool sent = cancel != nullptr && PQcancel(cancel, error, sizeof error) != 0;
        if (cancel != nullptr) PQfreeCancel(cancel);
        if (!sent) lose("no answer within " + std::to_string(timeout_.count()) + " ms", lost);
        cancelled = true;
        deadline = Clock::now() + timeout_;
        continue;
      }
      if (PQconsumeInput(conn_) == 0) lose("the connection broke", lost);
    }
    PGresult* result = PQgetResult(conn_);
    if (result == nullptr) break;
    last.reset(result);
  }
  if (!last || PQstatus(conn_) == CONNECTION_BAD) lose("the connection broke", lost);
  const ExecStatusType status = PQresultStatus(last.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    if (committing && (cancelled || warned_)) {
      throw StatementError(
          Failure::only_local,
          Error(Errc::io_error,
                "postgres: the commit on " + core::in_quotes(uri_) +
                    " is only local: the synchronous standbys did not confirm it within " +
                    std::to_string(timeout_.count()) +
                    " ms, so it is not durable as sync=full "
                    "promises",
                "check the standbys (synchronous_standby_names); the write is on the primary "
                "and may be lost if the primary is lost"));
    }
    return last;
  }
  const std::string state = sqlstate(last.get());
  const char* primary = PQresultErrorField(last.get(), PG_DIAG_MESSAGE_PRIMARY);
  const std::string text = "postgres: " + std::string(sql).substr(0, std::string(sql).find(' ')) +
                           " on " + core::in_quotes(uri_) +
                           " failed: " + one_line(primary ? primary : "") + " (SQLSTATE " + state +
                           ")";
  if (state == "40001" || state == "40P01") {
    throw StatementError(Failure::retry,
                         Error(Errc::busy, text, "other writers conflicted; try again"));
  }
  if (starts_with(state, "08") || state == "57P01" || state == "57P02" || state == "57P03" ||
      state == "25006") {
    // 25006: the server became a standby, or a standby was reached.
    broken_ = true;
    throw StatementError(
        committing ? Failure::unknown : Failure::broken,
        Error(Errc::io_error, text, committing ? kUnknownOutcomeAdvice : kReconnectAdvice));
  }
  if (state == "57014") {
    throw StatementError(
        Failure::none,
        Error(Errc::busy,
              "postgres: a statement on " + core::in_quotes(uri_) + " took longer than " +
                  std::to_string(timeout_.count()) + " ms and was cancelled",
              "try again; the URI's timeout parameter sets the wait"));
  }
  if (state == "53300")
    throw StatementError(Failure::none, Error(Errc::busy, text, "try again later"));
  if (starts_with(state, "53")) {
    throw StatementError(Failure::none,
                         Error(Errc::full, text, "free space or memory on the database server"));
  }
  if (starts_with(state, "54")) {
    throw StatementError(Failure::none,
                         Error(Errc::invalid_argument, text, "store smaller values"));
  }
  if (state == "42P01") {
    throw StatementError(
        Failure::none, Error(Errc::not_found, text, "the table was dropped; reopen to create it"));
  }
  if (state == "XX001" || state == "XX002") {
    throw StatementError(Failure::none, Error(Errc::corruption, text, "see the server's log"));
  }
  throw StatementError(Failure::none, Error(Errc::io_error, text, "see the server's log"));
}

}  // namespace sds::backend::pg
