// Openers of the raw-library subjects; each is compiled only with its backend.
#pragma once

#include <memory>
#include <string_view>

#include "subject.hpp"

namespace sds::baselines {

// One table (k BLOB PRIMARY KEY, v BLOB NOT NULL), WITHOUT ROWID as the
// engine's sqlite backend has it, or a rowid table with its key index.
std::unique_ptr<workloads::Subject> open_raw_sqlite(std::string_view uri, bool without_rowid);
std::unique_ptr<workloads::Subject> open_raw_lmdb(std::string_view uri);
std::unique_ptr<workloads::Subject> open_raw_rocksdb(std::string_view uri);

}  // namespace sds::baselines
