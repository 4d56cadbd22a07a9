// sqlite:PATH (and sqlite::memory:), the reference backend: one table of keys
// and values in one database file, WAL journal, BEGIN IMMEDIATE for writers.
#pragma once

#include "sds/registry.hpp"

namespace sds::backend {

BackendInfo sqlite_backend();

}  // namespace sds::backend
