#include "tools/sdsctl/interrupt.hpp"

#include <signal.h>

#include <atomic>

namespace sdsctl {
namespace {

std::atomic<int> arrived{0};

void notice(int signal) { arrived.store(signal); }

}  // namespace

void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = notice;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;  // the second signal takes its default course
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int interrupt_signal() { return arrived.load(); }

void check_interrupt() {
  if (arrived.load() != 0) throw Interrupted("interrupted");
}

}  // namespace sdsctl
