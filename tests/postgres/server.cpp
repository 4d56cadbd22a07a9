#include "tests/postgres/server.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace sds::test::pg {
namespace {

// SDS_POSTGRES_TESTS: "key=value key=value ...", one variable, since CTest's
// test discovery passes one ENVIRONMENT entry to each test.
std::string from_environment(const std::string& key) {
  const char* value = std::getenv("SDS_POSTGRES_TESTS");
  if (value == nullptr) {
    throw std::runtime_error(
        "SDS_POSTGRES_TESTS is not set: run the tests with ctest, whose fixtures start the "
        "servers (tests/postgres_tests.cmake)");
  }
  std::istringstream settings(value);
  for (std::string pair; settings >> pair;) {
    if (pair.starts_with(key + "=")) return pair.substr(key.size() + 1);
  }
  throw std::runtime_error("SDS_POSTGRES_TESTS has no " + key);
}

}  // namespace

std::string fresh_table() {
  static std::atomic<int> tables{0};
  return "t_" + std::to_string(::getpid()) + "_" + std::to_string(tables++);
}

std::string server_uri(const std::string& params) {
  std::string uri =
      "postgres://postgres:" + setting("password") + "@127.0.0.1:" + setting("port") + "/postgres";
  std::string query = params;
  if (query.find("table=") == std::string::npos) {
    query += (query.empty() ? "" : "&") + std::string("table=") + fresh_table();
  }
  return uri + "?" + query;
}

int server_port() { return std::stoi(setting("port")); }

std::string setting(const std::string& key) { return from_environment(key); }

std::string sql(int port, const std::string& statement) {
  const std::string conninfo =
      "host=127.0.0.1 dbname=postgres user=postgres password=" + setting("password") +
      " connect_timeout=5 port=" + std::to_string(port);
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo.c_str()), PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    ADD_FAILURE() << "connecting to port " << port << ": " << PQerrorMessage(conn.get());
    return "";
  }
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), statement.c_str()),
                                                       PQclear);
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    ADD_FAILURE() << statement << ": " << PQerrorMessage(conn.get());
    return "";
  }
  if (status == PGRES_TUPLES_OK && PQntuples(result.get()) > 0) {
    return PQgetvalue(result.get(), 0, 0);
  }
  return "";
}

}  // namespace sds::test::pg
