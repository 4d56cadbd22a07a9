// A backend that wraps another scheme's and lets a test watch and disturb its
// transactions: count commits, hold the first one back, fail a put or a
// commit, or run a transaction's function twice (as LMDB does when its map
// grows). Its scheme is "instrumented+" and the wrapped scheme.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace sds::test {

struct Instrumentation {
  std::atomic<int> updates{0};  // update() calls that committed
  // The thread of each update() call, in call order.
  std::vector<std::thread::id> updating_threads;
  std::mutex updating_threads_mutex;
  // The next update() waits this long before it begins, so that other
  // writers queue up behind it meanwhile.
  std::atomic<bool> hold_next_update{false};
  std::chrono::milliseconds hold_for{0};
  // Every update() waits hold_for, as a slow commit would.
  std::atomic<bool> hold_every_update{false};
  // put() of a value holding this text throws Errc::io_error (empty: never).
  std::string fail_puts_containing;
  // The next update() fails after its function ran, as a failed commit would.
  std::atomic<bool> fail_next_commit{false};
  // Every update() runs its function once in a rolled-back nested call first.
  bool run_functions_twice = false;
};

// The one Instrumentation of this process, reset for each test.
Instrumentation& instrumentation();

// Registers "instrumented+SCHEME" (once per process) and returns the URI of
// `uri`'s database under it.
std::string instrumented(const std::string& uri);

}  // namespace sds::test
