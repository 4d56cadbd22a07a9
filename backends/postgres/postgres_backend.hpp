// postgres://user:password@host:port/dbname, the server backend: one table of
// bytea keys and values in a PostgreSQL database, which many processes on many
// machines share, through libpq. Every write transaction is serializable and
// rerun on a serialization failure (docs/DESIGN.md section 8.6).
#pragma once

#include "sds/registry.hpp"

namespace sds::backend {

BackendInfo postgres_backend();

}  // namespace sds::backend
