// The RocksDB options of the rocksdb: backend (internal to it), in one place
// so that the raw-rocksdb baseline of the benchmarks (benchmarks/baselines)
// opens its databases exactly as the backend does.
#pragma once

#include <rocksdb/options.h>

namespace sds::backend::rocks {

// The options of every database the backend opens; `read_only` opens create
// nothing.
rocksdb::Options database_options(bool read_only);

}  // namespace sds::backend::rocks
