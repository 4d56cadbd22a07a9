// Blocking on a 32-bit atomic word until another thread changes it: the
// futex itself on Linux, std::atomic's wait and notify elsewhere.
//
// libstdc++'s std::atomic<std::uint32_t>::wait calls sched_yield() four
// times before it sleeps, whatever the caller knows about the wait. A group
// commit's writer that waits for a sync knows it will sleep: with those
// yields, 8 threads appending at sync=full switched contexts 4.7 to 5.2
// times per append instead of 1.6 to 1.9 (docs/DESIGN.md section 3.7).
#pragma once

#include <atomic>
#include <cstdint>

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace sds::core {

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t) &&
                  std::atomic<std::uint32_t>::is_always_lock_free,
              "the futex takes the atomic's own address");

// Returns once `word` held something else than `value`, or spuriously: call
// it in a loop that checks the word.
inline void wait_while_equal(std::atomic<std::uint32_t>& word, std::uint32_t value) {
#if defined(__linux__)
  syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, value, nullptr, nullptr, 0);
#else
  word.wait(value);
#endif
}

// Wakes one thread in wait_while_equal() on `word`. Only the address is used:
// `word` may have been destroyed meanwhile (a waiter that saw it change may
// return at once), and a wake-up that finds another word at that address
// costs it one more check of its loop.
inline void wake_one(std::atomic<std::uint32_t>& word) {
#if defined(__linux__)
  syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
#else
  word.notify_one();
#endif
}

}  // namespace sds::core
