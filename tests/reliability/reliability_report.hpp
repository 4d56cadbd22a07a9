// The one line each reliability suite prints at the end of its run:
//
//   RELIABILITY <suite>: <name>=<n> ... violations=<n>
//
// Tests count what they tried with tried("name"); violations are the failed
// assertions of the whole run, counted by a GoogleTest listener, so a suite
// that passes prints violations=0. A suite's binary runs as one CTest test,
// so that the line covers all of it.
#pragma once

#include <cstdint>
#include <string>

namespace sds::test {

// Adds `count` to the figure `name` of this run's line.
void tried(const std::string& name, std::uint64_t count = 1);

// Makes the binary print the line for `suite` when its tests end. Call once,
// before RUN_ALL_TESTS (from a static initializer).
bool report_reliability(const std::string& suite);

}  // namespace sds::test
