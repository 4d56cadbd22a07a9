// rocksdb:DIR, the LSM backend for write-heavy stores: one RocksDB database per
// directory, WAL on, range deletion for pruned patches, blob files for large
// values. RocksDB admits one process per database.
#pragma once

#include "sds/registry.hpp"

namespace sds::backend {

BackendInfo rocksdb_backend();

}  // namespace sds::backend
