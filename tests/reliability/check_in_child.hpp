// check_invariants in a forked child. A suite that forks writers again and
// again keeps its own process free of open backends this way: a child forked
// from a process that had RocksDB open inherits a thread pool without its
// threads, and would wait forever for its first flush.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "tests/reliability/workload.hpp"

namespace sds::test::reliability {

struct CheckResult {
  std::vector<std::string> problems;   // check_invariants' violations, or the checker's failure
  std::vector<std::size_t> recovered;  // per lane: check_invariants' `recovered`
};

CheckResult check_invariants_in_child(const std::string& uri, const Script& script,
                                      const std::vector<LaneOutcome>& outcomes, Promise promise);

}  // namespace sds::test::reliability
