#include "core/group_commit.hpp"

#include <algorithm>
#include <chrono>

#include "core/kill_points.hpp"

namespace sds::core {
namespace {

// A group takes at most this many writes: a bound on the transaction's size
// (LMDB refuses transactions that dirty too many pages) and on the wait of
// its first caller.
constexpr std::size_t kMaxGroup = 128;
// A leader commits at most this many groups in a row (its own first).
constexpr int kMaxGroupsPerLeader = 4;

// A leader waits for the writers it expects to join only when a commit costs
// at least kMinGather beyond its writes (about what waking a few threads
// costs), and at most kMaxGather.
constexpr auto kMinGather = std::chrono::microseconds(10);
constexpr auto kMaxGather = std::chrono::microseconds(200);

}  // namespace

void GroupCommitter::write(const WriteFn& fn) {
  Pending self(fn);
  std::unique_lock lock(mutex_);
  queue_.push_back(&self);
  if (gathering_) arrived_.notify_one();
  // A commit in flight takes this write into one of its next groups; a
  // writer that finds none running commits at once, with whatever is queued.
  while (committing_ && !self.done) {
    const std::uint64_t awaited = self.group != 0 ? self.group : groups_ + 1;
    finished_[awaited % 2].wait(lock);
  }
  if (!self.done) lead(lock);
  if (self.error) std::rethrow_exception(self.error);
}

void GroupCommitter::lead(std::unique_lock<std::mutex>& lock) {
  committing_ = true;
  for (int led = 1;; ++led) {
    gather(lock);
    const std::vector<Pending*> group = take_group();
    lock.unlock();
    const auto started = Clock::now();
    const Clock::duration writing = commit(group);
    const Clock::duration took = Clock::now() - started;
    lock.lock();
    commit_overhead_ = std::chrono::duration_cast<std::chrono::microseconds>(took - writing);
    for (Pending* pending : group) pending->done = true;
    // The writes queued during this commit are the next group, and this
    // thread, running already, commits them: handing them to a sleeping
    // writer would cost a wake-up before each commit. A few groups only, so
    // that its own caller is not kept waiting long.
    const bool go_on = !queue_.empty() && led < kMaxGroupsPerLeader;
    const bool hand_over = !queue_.empty() && !go_on;
    if (!go_on) committing_ = false;
    const std::uint64_t finished = groups_;
    // One wake-up call per group, outside the lock, so that the woken
    // writers do not block on it again.
    lock.unlock();
    finished_[finished % 2].notify_all();
    if (!go_on) {
      // The queued writers wait for the next group: one of them leads it.
      if (hand_over) finished_[(finished + 1) % 2].notify_all();
      return;
    }
    lock.lock();
  }
}

std::vector<GroupCommitter::Pending*> GroupCommitter::take_group() {
  const std::size_t taken = std::min(queue_.size(), kMaxGroup);
  std::vector<Pending*> group(queue_.begin(), queue_.begin() + taken);
  queue_.erase(queue_.begin(), queue_.begin() + taken);
  ++groups_;
  for (Pending* pending : group) pending->group = groups_;
  // The writers of this group will be back, and those queued meanwhile are
  // waiting: the next group may expect all of them.
  expected_ =
      std::min(std::max(taken + queue_.size(), expected_ > 1 ? expected_ - 1 : 1), kMaxGroup);
  return group;
}

// The writers of the last group just woke up, and most will write again as
// soon as they run. Where commits are quick (sync=normal), the leader would
// otherwise commit alone before they are back, again and again, on few cores
// especially. So it waits, at most what a commit costs beyond its writes,
// until as many writers have queued as it expects: those of the last group
// and those that queued behind it (each group lowers the expectation by one,
// so writers that stopped are soon no longer waited for). A lone writer never waits, and
// neither does the writer of a backend whose commit costs less than a few
// wake-ups (RocksDB without sync): there, grouping cannot pay.
void GroupCommitter::gather(std::unique_lock<std::mutex>& lock) {
  if (queue_.size() >= expected_ || commit_overhead_ < kMinGather) return;
  const auto patience = std::min(commit_overhead_, kMaxGather);
  gathering_ = true;
  arrived_.wait_for(lock, patience, [&] { return queue_.size() >= expected_; });
  gathering_ = false;
}

GroupCommitter::Clock::duration GroupCommitter::commit(const std::vector<Pending*>& group) {
  // Optimistic first: every write straight in the transaction. Failures are
  // rare, and savepoints cost a few microseconds per write; when one write
  // fails, the transaction rolls back and the group runs again with each
  // write in a nested transaction of its own.
  Clock::duration writing{};
  if (group.size() > 1 && run_group(group, false, writing)) return writing;
  writing = {};
  run_group(group, true, writing);
  return writing;
}

bool GroupCommitter::run_group(const std::vector<Pending*>& group, bool isolated,
                               Clock::duration& writing) {
  struct OneFailed {};
  WriteContext context;
  try {
    backend_.update([&](kv::WriteTransaction& txn) {
      context.clear();  // afresh on every run of the transaction
      const auto started = Clock::now();
      struct AddTime {
        Clock::time_point started;
        Clock::duration& total;
        ~AddTime() { total += Clock::now() - started; }
      } add_time{started, writing};
      for (Pending* pending : group) {
        // A kill point: the earlier writes of the group are in the transaction, the rest not yet.
        if (pending != group.front()) kill_point(KillPoint::group_half_assembled);
        pending->error = nullptr;
        if (!isolated) {
          try {
            (*pending->fn)(txn, context);
          } catch (...) {
            pending->error = std::current_exception();
            if (group.size() > 1) throw OneFailed();
            throw;
          }
          continue;
        }
        context.begin_operation();
        try {
          txn.nested([&](kv::WriteTransaction& nested) { (*pending->fn)(nested, context); });
        } catch (...) {
          context.rollback_operation();
          pending->error = std::current_exception();
        }
      }
    });
  } catch (const OneFailed&) {
    return false;  // nothing committed: run the group again, isolated
  } catch (...) {
    // Nothing was committed: every write of the group fails, with its own
    // error where it had one.
    for (Pending* pending : group) {
      if (!pending->error) pending->error = std::current_exception();
    }
    return true;
  }
  context.publish();
  return true;
}

}  // namespace sds::core
