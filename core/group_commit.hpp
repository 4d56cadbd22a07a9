// Group commit: the writes of concurrent callers share one transaction, and
// so one commit and at most one sync. Every write of the core goes through
// here (GroupCommitter::write), once per SharedBackend.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
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
  // A caller that finds no commit under way leads: it commits every queued
  // write (its own among them) at once, then the writes queued meanwhile as
  // the next group, and so on for a few groups; a caller that finds a commit
  // under way waits for the group that takes its write. Calls of one thread
  // take effect in the order it made them (docs/DESIGN.md section 3.7).
  void write(const WriteFn& fn);

 private:
  struct Pending {
    explicit Pending(const WriteFn& write) : fn(&write) {}
    const WriteFn* fn;
    std::exception_ptr error;
    bool done = false;
    std::uint64_t group = 0;  // the number of its group, once taken into one
  };

  // Commits the queue, group after group, while writes keep arriving; then
  // passes what is left to a waiting writer. Returns with `lock` released.
  void lead(std::unique_lock<std::mutex>& lock);
  // Takes the next group off the queue and numbers it.
  std::vector<Pending*> take_group();
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
  // Group n's writers wait on finished_[n % 2], notified once when it
  // committed; writers not yet taken wait for the group after the one in
  // flight, so a commit wakes its own writers and no others.
  std::condition_variable finished_[2];
  std::uint64_t groups_ = 0;  // groups taken so far; the last is in flight while committing_
  bool committing_ = false;
  bool gathering_ = false;
  std::size_t expected_ = 1;  // writers the next group may expect (see gather())
  // What the last commit cost beyond its writes: BEGIN, COMMIT, the sync.
  std::chrono::microseconds commit_overhead_{0};
};

}  // namespace sds::core
