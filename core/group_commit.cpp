#include "core/group_commit.hpp"

#include <algorithm>

namespace sds::core {
namespace {

// A group takes at most this many writes: a bound on the transaction's size
// (LMDB refuses transactions that dirty too many pages) and on the wait of
// its first caller.
constexpr std::size_t kMaxGroup = 128;

}  // namespace

void GroupCommitter::write(const WriteFn& fn) {
  Pending self{&fn, nullptr, false};
  std::unique_lock lock(mutex_);
  queue_.push_back(&self);
  while (!self.done) {
    if (committing_) {
      finished_.wait(lock);
      continue;
    }
    // Lead: `self` is still queued, since every leader finishes what it takes.
    committing_ = true;
    const std::size_t taken = std::min(queue_.size(), kMaxGroup);
    std::vector<Pending*> group(queue_.begin(), queue_.begin() + taken);
    queue_.erase(queue_.begin(), queue_.begin() + taken);
    lock.unlock();
    commit(group);
    lock.lock();
    for (Pending* pending : group) pending->done = true;
    committing_ = false;
    finished_.notify_all();
  }
  if (self.error) std::rethrow_exception(self.error);
}

void GroupCommitter::commit(const std::vector<Pending*>& group) {
  WriteContext context;
  try {
    backend_.update([&](kv::WriteTransaction& txn) {
      context.clear();  // afresh on every run of the transaction
      if (group.size() == 1) {
        // Alone: a failure rolls the whole transaction back, no savepoint needed.
        group.front()->error = nullptr;
        (*group.front()->fn)(txn, context);
        return;
      }
      for (Pending* pending : group) {
        pending->error = nullptr;
        context.begin_operation();
        try {
          txn.nested([&](kv::WriteTransaction& nested) { (*pending->fn)(nested, context); });
        } catch (...) {
          context.rollback_operation();
          pending->error = std::current_exception();
        }
      }
    });
  } catch (...) {
    // Nothing was committed: every write of the group fails, with its own
    // error where it had one.
    for (Pending* pending : group) {
      if (!pending->error) pending->error = std::current_exception();
    }
    return;
  }
  context.publish();
}

}  // namespace sds::core
