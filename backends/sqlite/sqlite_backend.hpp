// sqlite:PATH (and sqlite::memory:), the reference backend: one database file,
// WAL journal; keys and small values in one table, large values in a second
// (docs/FORMAT.md); one writer connection (BEGIN IMMEDIATE), reads on reader
// connections of their own.
#pragma once

#include "sds/registry.hpp"

namespace sds::backend {

BackendInfo sqlite_backend();

}  // namespace sds::backend
