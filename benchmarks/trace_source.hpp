// The recorded session sds_bench replays.
#pragma once

#include <cstddef>

#include "trace.hpp"

namespace sds::bench {

// The trace named by $SDS_BENCH_TRACE, else the one in the source tree
// (workloads/data/sds-session-10k.trace), read once; its first `records`
// records, or all for 0. Throws std::runtime_error naming the file and saying
// how to point at another when it cannot be read.
const workloads::Trace& session_trace(std::size_t records);

}  // namespace sds::bench
