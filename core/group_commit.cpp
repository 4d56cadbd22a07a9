#include "core/group_commit.hpp"

#include <algorithm>
#include <chrono>

namespace sds::core {
namespace {

// A group takes at most this many writes: a bound on the transaction's size
// (LMDB refuses transactions that dirty too many pages) and on the wait of
// its first caller.
constexpr std::size_t kMaxGroup = 128;

// A leader waits for the writers it expects to join only when commits take
// at least kMinGather (waking a thread costs about that much), and at most
// kMaxGather.
constexpr auto kMinGather = std::chrono::microseconds(20);
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
    expected_ = taken;
    lock.unlock();
    const auto started = std::chrono::steady_clock::now();
    commit(group);
    const auto took = std::chrono::steady_clock::now() - started;
    lock.lock();
    last_commit_ = std::chrono::duration_cast<std::chrono::microseconds>(took);
    committing_ = false;
    for (Pending* pending : group) {
      pending->done = true;
      if (pending != &self) pending->wake.notify_one();
    }
    if (!queue_.empty()) queue_.front()->wake.notify_one();  // the next leader
  }
  if (self.error) std::rethrow_exception(self.error);
}

// The writers of the last group just woke up, and most will write again as
// soon as they run. When commits are quick (sync=normal), the leader would
// otherwise commit alone before they are back, again and again: it waits
// until as many writers as last time have queued, or a commit's time, and
// expects only those that came next time. A lone writer never waits, and
// neither does a writer of a backend whose commits cost less than a wake-up.
void GroupCommitter::gather(std::unique_lock<std::mutex>& lock) {
  if (queue_.size() >= expected_ || last_commit_ < kMinGather) return;
  const auto patience = std::min(last_commit_, kMaxGather);
  gathering_ = true;
  arrived_.wait_for(lock, patience, [&] { return queue_.size() >= expected_; });
  gathering_ = false;
}

void GroupCommitter::commit(const std::vector<Pending*>& group) {
  // Optimistic first: every write straight in the transaction. Failures are
  // rare, and savepoints cost a few microseconds per write; when one write
  // fails, the transaction rolls back and the group runs again with each
  // write in a nested transaction of its own.
  if (group.size() > 1 && run_group(group, false)) return;
  run_group(group, true);
}

bool GroupCommitter::run_group(const std::vector<Pending*>& group, bool isolated) {
  struct OneFailed {};
  WriteContext context;
  try {
    backend_.update([&](kv::WriteTransaction& txn) {
      context.clear();  // afresh on every run of the transaction
      for (Pending* pending : group) {
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
