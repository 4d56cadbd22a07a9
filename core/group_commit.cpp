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
  while (!self.done) {
    // Only the first of the queue leads: the others sleep until their write
    // is done or they are first, so that a commit wakes only the writers it
    // concerns.
    if (committing_ || queue_.front() != &self) {
      self.wake.wait(lock);
      continue;
    }
    committing_ = true;
    gather(lock);
    const std::size_t taken = std::min(queue_.size(), kMaxGroup);
    std::vector<Pending*> group(queue_.begin(), queue_.begin() + taken);
    queue_.erase(queue_.begin(), queue_.begin() + taken);
    // The writers of this group will be back, and those queued meanwhile are
    // waiting: the next group may expect all of them.
    expected_ =
        std::min(std::max(taken + queue_.size(), expected_ > 1 ? expected_ - 1 : 1), kMaxGroup);
    lock.unlock();
    const auto started = Clock::now();
    const Clock::duration writing = commit(group);
    const Clock::duration took = Clock::now() - started;
    lock.lock();
    commit_overhead_ = std::chrono::duration_cast<std::chrono::microseconds>(took - writing);
    committing_ = false;
    // The next leader first: nothing is committed until it runs.
    if (!queue_.empty()) queue_.front()->wake.notify_one();
    for (Pending* pending : group) {
      pending->done = true;
      if (pending != &self) pending->wake.notify_one();
    }
  }
  if (self.error) std::rethrow_exception(self.error);
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
