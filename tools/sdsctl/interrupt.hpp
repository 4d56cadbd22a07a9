// Ctrl-C (SIGINT) and SIGTERM: the work in progress stops at its next step,
// cleans up what it started, says what was done, and sdsctl exits 128 + the
// signal (130 for Ctrl-C). A second signal ends the process at once; the
// next write into the database removes what the first run had staged.
#pragma once

#include <stdexcept>
#include <string>

namespace sdsctl {

// Thrown at the step where a signal is noticed.
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(const std::string& what) : std::runtime_error(what) {}
};

// From here on SIGINT and SIGTERM are noticed instead of ending the process.
void catch_interrupts();
// The signal that arrived, or 0.
int interrupt_signal();
// Throws Interrupted when a signal arrived.
void check_interrupt();

}  // namespace sdsctl
