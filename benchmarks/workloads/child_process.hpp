// Measuring in a fresh process: a forked child runs the measurement and sends
// its figures back over a pipe.
#pragma once

#include <functional>

#include "figures.hpp"

namespace sds::workloads {

// Forks, runs `measure` in the child and returns what it measured. The child
// must open every database itself. It ends with _exit, running no destructors:
// a library's background threads were not forked along, so closing a handle
// that waits for them could hang. Throws std::runtime_error with the child's
// message when `measure` threw there, or when the child died.
Figures measure_in_child(const std::function<Figures()>& measure);

}  // namespace sds::workloads
