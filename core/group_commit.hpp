// Group commit: the writes of concurrent callers share one transaction, and
// so one commit and at most one sync. Every write of the core goes through
// here (GroupCommitter::write), once per SharedBackend.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

#include "core/write_context.hpp"
#include "sds/kv.hpp"

namespace sds::core {

// One caller's part of a write transaction. It may run more than once (the
// backend may rerun a transaction), so it must leave no trace outside `txn`
// and `context` before the transaction commits.
using WriteFn = std::function<void(kv::WriteTransaction& txn, WriteContext& context)>;

class GroupCommitter {
 public:
  explicit GroupCommitter(kv::Backend& backend) : backend_(backend) {}

  // Runs `fn` in a write transaction, together with the writes other threads
  // queued meanwhile, and returns once that transaction committed, with the
  // durability of the backend's sync mode. Throws what `fn` threw (its
  // writes undone, the others' kept), or the commit's error.
  //
  // The first queued caller leads when no commit is under way: it takes every
  // queued write, runs each in a nested transaction, commits, and wakes the others.
  // Writes queued while it commits form the next group. Calls of one thread
  // take effect in the order it made them.
  void write(const WriteFn& fn);

 private:
  struct Pending {
    explicit Pending(const WriteFn& write) : fn(&write) {}
    const WriteFn* fn;
    std::exception_ptr error;
    bool done = false;
    std::condition_variable wake;  // done, or first in the queue
  };

  // Waits briefly for the writers the leader expects to join its group.
  void gather(std::unique_lock<std::mutex>& lock);
  using Clock = std::chrono::steady_clock;

  // Runs one group in one transaction; sets each write's error. Returns the
  // time its writes' functions took (the rest is the commit's own cost).
  Clock::duration commit(const std::vector<Pending*>& group);
  // One try at that: with each write in a nested transaction when
  // `isolated`. False when a write failed and nothing was committed. Adds the
  // time spent in the writes' functions to `writing`.
  bool run_group(const std::vector<Pending*>& group, bool isolated, Clock::duration& writing);

  kv::Backend& backend_;
  std::mutex mutex_;
  std::condition_variable arrived_;  // a write was queued while gathering_
  std::vector<Pending*> queue_;
  bool committing_ = false;
  bool gathering_ = false;
  std::size_t expected_ = 1;  // writers the next group may expect (see gather())
  // What the last commit cost beyond its writes: BEGIN, COMMIT, the sync.
  std::chrono::microseconds commit_overhead_{0};
};

}  // namespace sds::core
