// What a postgres:// URI asks for (docs/DESIGN.md section 8.6): libpq's
// connection parameters, from the decoded authority, path and libpq's own
// keywords, and the backend's own parameters (table, timeout, connections).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "backends/postgres/connection.hpp"
#include "sds/registry.hpp"

namespace sds::backend::pg {

struct Settings {
  ConnectParams connect;
  std::string table;  // the name, checked: letters, digits, '_'
  std::string quoted_table;
  std::chrono::milliseconds timeout{10000};
  std::size_t connections = 8;
};

// Reads `config`; throws invalid_argument for a malformed authority or path,
// a part given twice (in the authority and as a parameter), a bad table name
// or a bad value of our parameters.
Settings read_settings(const BackendConfig& config);

// The parameters a postgres:// URI takes besides the common ones: ours, then
// every keyword of this libpq (PQconndefaults).
std::vector<ParamSpec> postgres_params();

// The parameters that name another database rather than configure the
// connection to one: with the authority and path, what the handle cache keys on.
std::vector<std::string> postgres_target_params();

}  // namespace sds::backend::pg
