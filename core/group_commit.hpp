// Group commit: the writes of concurrent callers share one transaction, and
// so one commit and at most one sync. Every write of the core goes through
// here (GroupCommitter::write), once per SharedBackend.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <span>

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
  // A caller that finds the queue empty leads: it commits every queued write
  // (its own among them) at once, then the writes queued meanwhile as the
  // next group, and so on for a few groups; a caller that finds writes
  // queued waits until the group that takes its write committed, or until it
  // is handed the lead. Calls of one thread take effect in the order it made
  // them (docs/DESIGN.md section 3.7).
  void write(const WriteFn& fn);

 private:
  // A queued write, in its caller's frame. The leader touches it until it
  // sets `state` to kDone or kLeading, never after: the caller may return.
  struct Writer {
    explicit Writer(const WriteFn& write) : fn(&write) {}
    const WriteFn* fn;
    std::exception_ptr error;
    Writer* older = nullptr;  // the write queued just before this one
    std::atomic<std::uint32_t> state{0};
  };
  // Writer::state: kWaiting, kSleeping once its caller blocks on it, then
  // kDone (committed, or failed: see error) or kLeading (handed the lead).
  static constexpr std::uint32_t kWaiting = 0;
  static constexpr std::uint32_t kSleeping = 1;
  static constexpr std::uint32_t kDone = 2;
  static constexpr std::uint32_t kLeading = 3;

  using Clock = std::chrono::steady_clock;
  // A group takes at most this many writes: a bound on the transaction's size
  // (LMDB refuses transactions that dirty too many pages) and on the wait of
  // its first caller.
  static constexpr std::size_t kMaxGroup = 128;
  using Writers = std::array<Writer*, kMaxGroup>;

  // Queues `self`. True when the queue was empty: the caller leads.
  bool join(Writer& self);
  // Waits until the leader set `self`'s state to kDone or kLeading; returns it.
  std::uint32_t await(Writer& self);
  // Sets `writer`'s state to kDone or kLeading, waking its caller if it sleeps.
  static void release(Writer& writer, std::uint32_t state);

  // Commits the queue from `first`, its oldest write, group after group while
  // writes keep arriving, for a few groups; then hands the lead to the oldest
  // write still queued. `self` is the leader's own write.
  void lead(Writer& self, Writer& first) noexcept;
  // Waits briefly for the writers the leader expects to join its group.
  void gather();
  // The next group: the writes from `first` to the newest, at most kMaxGroup,
  // oldest first, held in `writers`.
  std::span<Writer*> take_group(Writer& first, Writers& writers);
  // Takes the group ending at `last` (its newest write) off the queue. Returns
  // the oldest write queued after it, or null when there is none: the queue
  // is then empty, and the next writer to come leads.
  Writer* unlink(Writer& last);
  // Learns from a commit of `size` writes that cost `overhead` beyond them.
  void note_commit(std::size_t size, Clock::duration overhead);

  // Runs `group` in one transaction; sets each write's error. Returns the
  // time its writes' functions took (the rest is the commit's own cost).
  Clock::duration commit(std::span<Writer* const> group);
  // One try at that: with each write in a nested transaction when
  // `isolated`. False when a write failed and nothing was committed. Adds the
  // time spent in the writes' functions to `writing`.
  bool run_group(std::span<Writer* const> group, bool isolated, Clock::duration& writing);

  kv::Backend& backend_;
  // The queued writes, newest first along Writer::older. Not empty while a
  // leader runs: a writer that finds it empty leads.
  std::atomic<Writer*> newest_{nullptr};
  // Writes queued so far, each counted once linked.
  std::atomic<std::uint64_t> joined_{0};
  // While the leader gathers: the count of joined_ it waits for; else 0.
  std::atomic<std::uint64_t> gather_until_{0};
  std::mutex gather_mutex_;
  std::condition_variable gathered_;
  // How long the last group took to commit (see await()).
  std::atomic<std::int64_t> recent_commit_ns_{0};

  // The leader's own: only the thread that leads uses these. The lead passes
  // with the queue (unlink() empties it, join() finds it empty) or with a
  // writer's state (kLeading), both of which order the accesses.
  std::uint64_t taken_ = 0;   // writes taken into groups so far
  std::size_t expected_ = 1;  // writers the next group may expect (see gather())
  // What the last commit cost beyond its writes: BEGIN, COMMIT, the sync.
  Clock::duration commit_overhead_{};
  // What a commit of one write costs beyond it: the least of the last run of
  // kSoloRun such commits (see gather()), zero until a run is complete, and
  // the run under way.
  Clock::duration solo_overhead_{};
  Clock::duration solo_least_ = Clock::duration::max();
  int solo_commits_ = 0;
};

}  // namespace sds::core
