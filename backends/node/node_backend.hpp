// sds-node:PATH, a Store-level scheme: the SQLite layout of the npm package
// @rozek/sds-persistence-node, read and written with its own statements, so
// that a Node process and a C++ process can work on one file at once
// (docs/FORMAT.md, "The sds-node: layout").
#pragma once

#include "sds/registry.hpp"

namespace sds::backend {

BackendInfo sds_node_backend();

}  // namespace sds::backend
