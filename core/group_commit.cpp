#include "core/group_commit.hpp"

#include <algorithm>
#include <thread>

#include "core/kill_points.hpp"
#include "core/wait_word.hpp"

namespace sds::core {
namespace {

// A leader commits at most this many groups in a row (its own first), so
// that its own caller is not kept waiting long.
constexpr int kMaxGroupsPerLeader = 4;

// A leader waits for the writers it expects to join only where a commit of
// one write costs at least kMinGather beyond it (about what putting a writer
// to sleep and waking it costs), and then at most what the last commit cost
// beyond its writes, and at most kMaxGather.
constexpr auto kMinGather = std::chrono::microseconds(8);
constexpr auto kMaxGather = std::chrono::microseconds(200);
// The commits of one write whose least overhead decides on gathering.
constexpr int kSoloRun = 16;

// A waiting writer yields its core for up to kYieldFor before it sleeps,
// where the last group took less than kYieldBelow to commit (see await()).
constexpr auto kYieldFor = std::chrono::microseconds(20);
constexpr auto kYieldBelow = std::chrono::nanoseconds(std::chrono::microseconds(100));

}  // namespace

void GroupCommitter::write(const WriteFn& fn) {
  Writer self(fn);
  if (join(self) || await(self) == kLeading) lead(self, self);
  if (self.error) std::rethrow_exception(self.error);
}

bool GroupCommitter::join(Writer& self) {
  Writer* newest = newest_.load(std::memory_order_relaxed);
  do {
    self.older = newest;
  } while (!newest_.compare_exchange_weak(newest, &self, std::memory_order_acq_rel,
                                          std::memory_order_relaxed));
  const std::uint64_t joined = joined_.fetch_add(1) + 1;
  if (newest == nullptr) return true;
  if (joined == gather_until_.load()) {
    // The leader gathers, and this is the writer it waits for. Taking the
    // mutex orders this call with the leader's check of the count.
    { const std::lock_guard lock(gather_mutex_); }
    gathered_.notify_one();
  }
  return false;
}

std::uint32_t GroupCommitter::await(Writer& self) {
  // Where commits are quick, the write is often done, or the writers the
  // leader gathers have queued, within a few turns of the other threads:
  // yielding the core costs less than sleeping and being woken. Not where
  // commits wait for the disk: there the waiter sleeps at once.
  if (recent_commit_ns_.load(std::memory_order_relaxed) < kYieldBelow.count()) {
    const auto until = Clock::now() + kYieldFor;
    do {
      const std::uint32_t state = self.state.load();
      if (state != kWaiting) return state;
      std::this_thread::yield();
    } while (Clock::now() < until);
  }
  std::uint32_t state = kWaiting;
  if (self.state.compare_exchange_strong(state, kSleeping)) {
    do {
      wait_while_equal(self.state, kSleeping);
      state = self.state.load();
    } while (state == kSleeping);
  }
  return state;
}

void GroupCommitter::release(Writer& writer, std::uint32_t state) {
  if (writer.state.exchange(state) == kSleeping) wake_one(writer.state);
}

void GroupCommitter::lead(Writer& self, Writer& first) noexcept {
  // The group is held in this frame, not in a member: once unlink() emptied
  // the queue, the next writer to come leads, while this thread still wakes
  // the writers of its last group.
  Writers writers;
  Writer* next = &first;
  for (int led = 1;; ++led) {
    gather();
    const std::span<Writer*> group = take_group(*next, writers);
    const auto started = Clock::now();
    const Clock::duration writing = commit(group);
    const Clock::duration took = Clock::now() - started;
    note_commit(group.size(), took - writing);
    recent_commit_ns_.store(std::chrono::nanoseconds(took).count(), std::memory_order_relaxed);
    // Off the queue first, then woken: a woken writer may queue again at
    // once, and it should wait for the next group rather than split it.
    next = unlink(*group.back());
    for (Writer* writer : group) {
      if (writer != &self) release(*writer, kDone);
    }
    if (next == nullptr) return;
    if (led == kMaxGroupsPerLeader) {
      release(*next, kLeading);
      return;
    }
  }
}

// The writers of the last group just woke up, and most will write again as
// soon as they run. Where commits are costly (SQLite, anything that syncs),
// the leader would otherwise commit alone before they are back, again and
// again, on few cores especially. So it waits, at most what the last commit
// cost beyond its writes, until as many writers have queued as it expects:
// those of the last group and those that queued behind it (each group lowers
// the expectation by one, so writers that stopped are soon no longer waited
// for). Only the writer that completes the count wakes it. A lone writer
// never waits, and neither does the writer of a backend whose commit of one
// write costs less than putting writers to sleep and waking them (RocksDB
// and LMDB without sync, memory): there, grouping cannot pay. That cost is
// the least of a run of such commits: commits of more writes cost more
// beyond them too (RocksDB's memtable inserts), and a busy machine only ever
// makes a commit look slower.
void GroupCommitter::gather() {
  const auto queued = [&] {
    return static_cast<std::int64_t>(joined_.load() - taken_) >=
           static_cast<std::int64_t>(expected_);
  };
  if (solo_overhead_ < kMinGather || queued()) return;
  const auto patience = std::min<Clock::duration>(commit_overhead_, kMaxGather);
  std::unique_lock lock(gather_mutex_);
  gather_until_.store(taken_ + expected_);
  gathered_.wait_for(lock, patience, queued);
  gather_until_.store(0);
}

std::span<GroupCommitter::Writer*> GroupCommitter::take_group(Writer& first, Writers& writers) {
  // Newest first along the links, into a ring that keeps the oldest kMaxGroup.
  std::size_t queued = 0;
  for (Writer* writer = newest_.load(std::memory_order_acquire);; writer = writer->older) {
    writers[queued++ % kMaxGroup] = writer;
    if (writer == &first) break;
  }
  if (queued > kMaxGroup) {
    std::rotate(writers.begin(), writers.begin() + queued % kMaxGroup, writers.end());
  }
  const std::size_t size = std::min(queued, kMaxGroup);
  std::reverse(writers.begin(), writers.begin() + size);
  taken_ += size;
  // The writers of this group will be back, and those queued behind it are
  // waiting: the next group may expect all of them.
  const std::int64_t behind = static_cast<std::int64_t>(joined_.load() - taken_);
  expected_ = std::min(std::max(size + static_cast<std::size_t>(std::max<std::int64_t>(behind, 0)),
                                expected_ > 1 ? expected_ - 1 : 1),
                       kMaxGroup);
  return {writers.data(), size};
}

GroupCommitter::Writer* GroupCommitter::unlink(Writer& last) {
  Writer* newest = &last;
  if (newest_.compare_exchange_strong(newest, nullptr, std::memory_order_acq_rel)) return nullptr;
  // Queued behind the group: the oldest of those links to `last`. None of
  // the group is woken yet, so `last` cannot have queued again meanwhile.
  while (newest->older != &last) newest = newest->older;
  return newest;
}

void GroupCommitter::note_commit(std::size_t size, Clock::duration overhead) {
  commit_overhead_ = overhead;
  if (size != 1) return;
  solo_least_ = std::min(solo_least_, overhead);
  if (++solo_commits_ == kSoloRun) {
    solo_overhead_ = solo_least_;
    solo_least_ = Clock::duration::max();
    solo_commits_ = 0;
  }
}

GroupCommitter::Clock::duration GroupCommitter::commit(std::span<Writer* const> group) {
  // Optimistic first: every write straight in the transaction. Failures are
  // rare, and savepoints cost a few microseconds per write; when one write
  // fails, the transaction rolls back and the group runs again with each
  // write in a nested transaction of its own. A lone write never needs that:
  // when it fails, nobody else's write is lost with the transaction.
  Clock::duration writing{};
  if (run_group(group, false, writing)) return writing;
  writing = {};
  run_group(group, true, writing);
  return writing;
}

bool GroupCommitter::run_group(std::span<Writer* const> group, bool isolated,
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
      for (Writer* writer : group) {
        // A kill point: the earlier writes of the group are in the transaction, the rest not yet.
        if (writer != group.front()) kill_point(KillPoint::group_half_assembled);
        writer->error = nullptr;
        if (!isolated) {
          try {
            (*writer->fn)(txn, context);
          } catch (...) {
            writer->error = std::current_exception();
            if (group.size() > 1) throw OneFailed();
            throw;
          }
          continue;
        }
        context.begin_operation();
        try {
          txn.nested([&](kv::WriteTransaction& nested) { (*writer->fn)(nested, context); });
        } catch (...) {
          context.rollback_operation();
          writer->error = std::current_exception();
        }
      }
    });
  } catch (const OneFailed&) {
    return false;  // nothing committed: run the group again, isolated
  } catch (...) {
    // Nothing was committed: every write of the group fails, with its own
    // error where it had one.
    for (Writer* writer : group) {
      if (!writer->error) writer->error = std::current_exception();
    }
    return true;
  }
  context.publish();
  return true;
}

}  // namespace sds::core
