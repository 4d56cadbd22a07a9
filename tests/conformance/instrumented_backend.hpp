// A backend that wraps another scheme's and lets a test watch and disturb its
// transactions: count commits, hold the first one back, fail a put or a
// commit, run a transaction's function twice (as LMDB does when its map
// grows), or fail the Nth call of the kv trait, once or from then on (the
// fault injection of tests/reliability/). Its scheme is "instrumented+" and
// the wrapped scheme.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <sds/error.hpp>
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
  // Ends the wait of a held update() early.
  std::atomic<bool> end_hold{false};
  // The most inserts one committed update() made (not counting nested calls).
  std::atomic<int> most_inserts_per_update{0};
  // put() or insert() of a value holding this text throws Errc::io_error
  // (empty: never).
  std::string fail_puts_containing;
  // The next update() fails after its function ran, as a failed commit would.
  std::atomic<bool> fail_next_commit{false};
  // Every update() runs its function once in a rolled-back nested call first.
  bool run_functions_twice = false;

  // Fault injection. Every call of the trait through the wrapper counts
  // (view, update, get, put, insert, erase, erase_range, scan, nested, flush,
  // and the commit after update()'s function returned); call number
  // `fail_call` (from 1; 0: none) throws sds::Error(`fault`) before it
  // reaches the wrapped backend, and with `fail_forever` so does every call
  // after it.
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> fail_call{0};
  std::atomic<bool> fail_forever{false};
  std::atomic<Errc> fault{Errc::io_error};
  std::atomic<std::uint64_t> faults_thrown{0};

  // Back to watching only: nothing held, nothing failed, counters at 0.
  void reset();
};

// The one Instrumentation of this process, reset for each test.
Instrumentation& instrumentation();

// Registers "instrumented+SCHEME" (once per process) and returns the URI of
// `uri`'s database under it.
std::string instrumented(const std::string& uri);

// Whether this thread is inside the wrapped backend (opening it, or in one of
// its calls but not in a function or visitor the core handed to it): where a
// crash or a hang happened. Safe to call from a signal handler.
bool inside_wrapped_backend();

}  // namespace sds::test
