// What the postgres:// tests share: the servers of their CTest fixtures
// (tests/postgres_tests.cmake), fresh table names, and SQL run through libpq
// beside the backend, as an operator would.
#pragma once

#include <libpq-fe.h>

#include <string>

namespace sds::test::pg {

// A URI of the fixture's server, with `params` appended
// (a fresh `table` is added unless `params` names one).
std::string server_uri(const std::string& params = "");

// A table name fresh per call and process.
std::string fresh_table();

// Runs `sql` on the server at 127.0.0.1:`port` as user postgres; returns the
// first column of the first row ("" when none). Fails the test on an error.
std::string sql(int port, const std::string& statement);

// The port of the fixture's server.
int server_port();

// A setting of the fixtures (tests/postgres_tests.cmake), from the variable
// SDS_POSTGRES_TESTS: port, password, bin (the server's programs), pair_dir,
// pair_primary, pair_standby (the ports of the failover pair).
std::string setting(const std::string& key);

}  // namespace sds::test::pg
