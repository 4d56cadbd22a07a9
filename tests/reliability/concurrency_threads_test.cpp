// Eight threads of mixed operations on one database, for a while per backend
// (docs/DESIGN.md section 11.1): appends (clocks that collide across threads
// on one store included), checkpoints, prunes, blob save, retain and release,
// snapshot loads, and stores created and dropped beside them. A start barrier
// makes the threads overlap from their first call. Afterwards: no
// acknowledged write lost, no clock twice, the first append at a clock wins,
// blob reference counts equal the references taken, and no reader ever saw a
// checkpoint half done.
//
// SDS_CONCURRENCY_SECONDS sets the time per backend (default 20; the
// ThreadSanitizer stage of scripts/test-all.sh runs 5).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <latch>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "tests/conformance/conformance.hpp"
#include "tests/reliability/reliability_report.hpp"

namespace sds::test {

// Every key-value scheme of the build (persistent ones and memory:).
std::vector<std::string> conformance_schemes() { return {}; }

namespace {

constexpr int kThreads = 8;
constexpr int kBlobHashes = 12;

std::chrono::seconds run_time() {
  const char* text = std::getenv("SDS_CONCURRENCY_SECONDS");
  const int seconds = text && *text ? std::atoi(text) : 20;
  return std::chrono::seconds(std::max(seconds, 1));
}

std::string blob_hash(int k) { return "blob-" + std::to_string(k); }
Bytes blob_data(int k) { return bytes("data of blob " + std::to_string(k)); }

// One append at a colliding clock, with the order of its call against the
// others: `started` and `returned` come from one counter that every call
// bumps before and after.
struct CollidingAppend {
  int thread;
  std::uint64_t started;
  std::uint64_t returned;
};

// The state every thread shares, and what they acknowledged.
class Workload {
 public:
  Workload(Database& db, ReliabilityReport& report)
      : db_(db),
        report_(report),
        colliding_(db.store("colliding")),
        checkpointed_(db.store("checkpointed")) {}

  void run_thread(int thread, std::latch& start, std::chrono::steady_clock::time_point end);
  void check();

 private:
  void append_colliding(int thread, Clock clock);
  void append_checkpointed(int thread);
  void checkpoint_checkpointed();
  void read_checkpointed();
  void own_store_step(int thread, Store& own, std::uint64_t step, Clock& next, Clock& kept_from,
                      std::map<Clock, std::string>& acknowledged);
  void blob_step(int thread, std::mt19937& random, std::vector<std::int64_t>& held);
  void create_and_drop(int thread, std::uint64_t step);
  void check_own_store(int thread, Clock kept_from, const std::map<Clock, std::string>& acked);

  Database& db_;
  ReliabilityReport& report_;
  std::unique_ptr<Store> colliding_;
  std::unique_ptr<Store> checkpointed_;

  std::atomic<std::uint64_t> order_{0};
  std::mutex colliding_mutex_;
  std::map<Clock, std::vector<CollidingAppend>> colliding_appends_;  // acknowledged ones

  // The checkpointed store: clocks handed out in order, acknowledged in any
  // order; a checkpoint takes a clock below which every append returned, so
  // that no append still running lands under the snapshot.
  std::atomic<Clock> next_checkpointed_clock_{1};
  std::mutex checkpointed_mutex_;
  std::set<Clock> checkpointed_acked_;
  Clock all_acked_below_ = 1;

  std::mutex results_mutex_;
  std::vector<std::vector<std::int64_t>> held_refs_ =
      std::vector<std::vector<std::int64_t>>(kThreads);
  std::vector<Clock> own_kept_from_ = std::vector<Clock>(kThreads);
  std::vector<std::map<Clock, std::string>> own_acked_ =
      std::vector<std::map<Clock, std::string>>(kThreads);
};

std::string colliding_payload(int thread, Clock clock) {
  return "thread " + std::to_string(thread) + " clock " + std::to_string(clock);
}

void Workload::append_colliding(int thread, Clock clock) {
  const std::uint64_t started = order_++;
  colliding_->append_patch(bytes(colliding_payload(thread, clock)), clock);
  const std::uint64_t returned = order_++;
  std::lock_guard lock(colliding_mutex_);
  colliding_appends_[clock].push_back({thread, started, returned});
  report_.count("colliding_appends");
}

void Workload::append_checkpointed(int thread) {
  const Clock clock = next_checkpointed_clock_++;
  checkpointed_->append_patch(
      bytes("checkpointed " + std::to_string(clock) + " by " + std::to_string(thread)), clock);
  std::lock_guard lock(checkpointed_mutex_);
  checkpointed_acked_.insert(clock);
  while (checkpointed_acked_.contains(all_acked_below_)) ++all_acked_below_;
  report_.count("appends");
}

void Workload::checkpoint_checkpointed() {
  Clock at = 0;
  {
    std::lock_guard lock(checkpointed_mutex_);
    at = all_acked_below_ - 1;
  }
  if (at == 0) return;
  try {
    checkpointed_->checkpoint(bytes("snapshot at " + std::to_string(at)), at);
    report_.count("checkpoints");
  } catch (const Error& error) {
    // Another thread checkpointed at a higher clock meanwhile: refused, and
    // nothing changed (checked at the end).
    if (error.code() != Errc::invalid_argument) throw;
    report_.count("stale_checkpoints_refused");
  }
}

// A checkpoint is atomic: once a reader sees the snapshot at clock S, no
// patch below S is visible, and the snapshot's bytes belong to a clock at or
// below the one reported after them.
void Workload::read_checkpointed() {
  const std::optional<Bytes> snapshot = checkpointed_->load_snapshot();
  const std::optional<Clock> clock = checkpointed_->snapshot_clock();
  report_.count("snapshot_loads");
  if (!snapshot) return;
  const std::string expected_prefix = "snapshot at ";
  const std::string seen = text(*snapshot);
  if (!seen.starts_with(expected_prefix) || !clock ||
      std::stoull(seen.substr(expected_prefix.size())) > *clock) {
    report_.violation("snapshot '" + seen + "' read before snapshot_clock() " +
                      (clock ? std::to_string(*clock) : "none"));
    return;
  }
  checkpointed_->visit_patches_since(0, [&](Clock patch_clock, ByteView) {
    if (patch_clock < *clock) {
      report_.violation("patch " + std::to_string(patch_clock) +
                        " visible after the checkpoint at " + std::to_string(*clock));
    }
    return false;  // the first patch is the lowest
  });
}

// A store of the thread's own: appends at rising clocks, a checkpoint every
// 40 steps, a prune every 60.
void Workload::own_store_step(int thread, Store& own, std::uint64_t step, Clock& next,
                              Clock& kept_from, std::map<Clock, std::string>& acknowledged) {
  if (step % 40 == 39 && next > 1) {
    const Clock at = next - 1;
    own.checkpoint(bytes("own snapshot at " + std::to_string(at)), at);
    kept_from = at;
    report_.count("checkpoints");
    return;
  }
  if (step % 60 == 59 && next > 3) {
    const Clock before = std::max(kept_from, next - 3);
    own.prune_patches(before);
    kept_from = before;
    report_.count("prunes");
    return;
  }
  const std::string payload = "own " + std::to_string(thread) + " at " + std::to_string(next);
  own.append_patch(bytes(payload), next);
  acknowledged[next++] = payload;
  report_.count("appends");
}

// Saves, retains or releases one of a few shared blobs; `held` counts the
// references this thread holds, so it releases only its own.
void Workload::blob_step(int thread, std::mt19937& random, std::vector<std::int64_t>& held) {
  const int k = static_cast<int>(random() % kBlobHashes);
  Store& store = *colliding_;
  switch (random() % 4) {
    case 0:
      store.save_value(blob_hash(k), blob_data(k));
      ++held[k];
      report_.count("blob_saves");
      break;
    case 1:
      if (store.retain_value(blob_hash(k))) ++held[k];
      report_.count("blob_retains");
      break;
    case 2:
      if (held[k] > 0) {
        store.release_value(blob_hash(k));
        --held[k];
        report_.count("blob_releases");
      }
      break;
    default: {
      const std::optional<Bytes> data = store.load_value(blob_hash(k));
      if (held[k] > 0 && !data) {
        report_.violation("thread " + std::to_string(thread) + " holds a reference to " +
                          blob_hash(k) + ", which is gone");
      }
      if (data && *data != blob_data(k)) report_.violation(blob_hash(k) + " holds other data");
      report_.count("blob_loads");
    }
  }
}

// A store that comes and goes beside the others.
void Workload::create_and_drop(int thread, std::uint64_t step) {
  const std::string id = "temporary-" + std::to_string(thread) + "-" + std::to_string(step);
  auto store = db_.store(id);
  store->save_snapshot(bytes("temporary"), 1);
  store->append_patch(bytes("temporary patch"), 2);
  report_.count("stores_created");
  db_.drop_store(id);
  report_.count("stores_dropped");
  if (store->load_snapshot() || !store->load_patches_since(0).empty()) {
    report_.violation("store '" + id + "' still has records after drop_store");
  }
}

void Workload::run_thread(int thread, std::latch& start,
                          std::chrono::steady_clock::time_point end) {
  std::mt19937 random(static_cast<std::mt19937::result_type>(thread * 7919 + 1));
  auto own = db_.store("own-" + std::to_string(thread));
  std::vector<std::int64_t> held(kBlobHashes);
  Clock next_colliding = 1;
  Clock next_own = 1;
  Clock kept_from = 0;
  std::map<Clock, std::string> acknowledged;
  start.arrive_and_wait();
  try {
    for (std::uint64_t step = 0; std::chrono::steady_clock::now() < end; ++step) {
      switch (random() % 10) {
        case 0:
        case 1:
        case 2:
          append_colliding(thread, next_colliding++);
          break;
        case 3:
          append_checkpointed(thread);
          break;
        case 4:
          if (random() % 8 == 0) {
            checkpoint_checkpointed();
          } else {
            append_checkpointed(thread);
          }
          break;
        case 5:
          read_checkpointed();
          break;
        case 6:
        case 7:
          own_store_step(thread, *own, step, next_own, kept_from, acknowledged);
          break;
        case 8:
          blob_step(thread, random, held);
          break;
        default:
          if (random() % 4 == 0) {
            create_and_drop(thread, step);
          } else {
            own_store_step(thread, *own, step, next_own, kept_from, acknowledged);
          }
      }
    }
  } catch (const std::exception& error) {
    report_.violation("thread " + std::to_string(thread) + " got " + error.what());
  }
  std::lock_guard lock(results_mutex_);
  held_refs_[thread] = held;
  own_kept_from_[thread] = kept_from;
  own_acked_[thread] = std::move(acknowledged);
}

void Workload::check_own_store(int thread, Clock kept_from,
                               const std::map<Clock, std::string>& acked) {
  auto own = db_.store("own-" + std::to_string(thread));
  std::map<Clock, std::string> stored;
  own->visit_patches_since(0, [&](Clock clock, ByteView patch) {
    stored[clock] = text(patch);
    return true;
  });
  std::map<Clock, std::string> expected(acked.lower_bound(kept_from), acked.end());
  if (stored != expected) {
    report_.violation("store own-" + std::to_string(thread) + " holds " +
                      std::to_string(stored.size()) + " patches, " +
                      std::to_string(expected.size()) + " expected from clock " +
                      std::to_string(kept_from));
  }
}

void Workload::check() {
  // Colliding clocks: each one attempted is there once, and holds the
  // payload of an append that nobody's append at that clock returned before.
  std::map<Clock, std::string> colliding;
  colliding_->visit_patches_since(0, [&](Clock clock, ByteView patch) {
    if (!colliding.emplace(clock, text(patch)).second) {
      report_.violation("clock " + std::to_string(clock) + " twice in the colliding store");
    }
    return true;
  });
  std::uint64_t collisions = 0;
  for (const auto& [clock, appends] : colliding_appends_) {
    const auto stored = colliding.find(clock);
    if (stored == colliding.end()) {
      report_.violation("acknowledged clock " + std::to_string(clock) + " is lost");
      continue;
    }
    collisions += appends.size() - 1;
    const auto winner = std::find_if(appends.begin(), appends.end(), [&](const auto& append) {
      return colliding_payload(append.thread, clock) == stored->second;
    });
    if (winner == appends.end()) {
      report_.violation("clock " + std::to_string(clock) + " holds '" + stored->second +
                        "', which no acknowledged append wrote");
      continue;
    }
    for (const CollidingAppend& other : appends) {
      if (other.returned < winner->started) {
        report_.violation("clock " + std::to_string(clock) + ": thread " +
                          std::to_string(winner->thread) + " won over thread " +
                          std::to_string(other.thread) + ", whose append had returned first");
      }
    }
  }
  if (colliding.size() != colliding_appends_.size()) {
    report_.violation("the colliding store holds " + std::to_string(colliding.size()) +
                      " clocks, " + std::to_string(colliding_appends_.size()) + " were appended");
  }
  report_.count("clock_collisions", collisions);

  // The checkpointed store: the last checkpoint's snapshot, and every
  // acknowledged patch from its clock on.
  const Clock snapshot_clock = checkpointed_->snapshot_clock().value_or(0);
  if (snapshot_clock > 0 &&
      checkpointed_->load_snapshot() != bytes("snapshot at " + std::to_string(snapshot_clock))) {
    report_.violation("the checkpointed store's snapshot does not match its clock");
  }
  std::set<Clock> stored_clocks;
  checkpointed_->visit_patches_since(0, [&](Clock clock, ByteView) {
    stored_clocks.insert(clock);
    return true;
  });
  const std::set<Clock> expected_clocks(checkpointed_acked_.lower_bound(snapshot_clock),
                                        checkpointed_acked_.end());
  if (stored_clocks != expected_clocks) {
    report_.violation("the checkpointed store holds " + std::to_string(stored_clocks.size()) +
                      " patches from clock " + std::to_string(snapshot_clock) + ", " +
                      std::to_string(expected_clocks.size()) + " acknowledged");
  }

  for (int thread = 0; thread < kThreads; ++thread) {
    check_own_store(thread, own_kept_from_[thread], own_acked_[thread]);
  }

  // Blob reference counts equal the references the threads hold.
  struct Blobs : ContentsVisitor {
    std::map<std::string, std::int64_t> counts;
    std::set<std::string> stores;
    void store(std::string_view id) override { stores.emplace(id); }
    void snapshot(Clock, ByteView) override {}
    void patch(Clock, ByteView) override {}
    void blob(std::string_view hash, std::int64_t ref_count, ByteView) override {
      counts[std::string(hash)] = ref_count;
    }
  } contents;
  db_.visit_contents(contents);
  std::map<std::string, std::int64_t> expected_counts;
  for (int k = 0; k < kBlobHashes; ++k) {
    std::int64_t held = 0;
    for (const auto& refs : held_refs_) held += refs[k];
    if (held > 0) expected_counts[blob_hash(k)] = held;
  }
  if (contents.counts != expected_counts) {
    report_.violation("blob reference counts differ from the references taken");
  }
  report_.count("blobs_checked", expected_counts.size());
  for (const std::string& id : contents.stores) {
    if (id.starts_with("temporary-")) report_.violation("dropped store '" + id + "' is listed");
  }
}

class ConcurrencyThreads : public ::testing::TestWithParam<BackendUnderTest> {};

TEST_P(ConcurrencyThreads, MixedOperationsLoseNothing) {
  TempDir dir;
  auto db = open_database(GetParam().make_uri(dir.path()));
  ReliabilityReport report("concurrency_threads " + GetParam().scheme);
  Workload workload(*db, report);
  std::latch start(kThreads);
  const auto end = std::chrono::steady_clock::now() + run_time();
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&, thread] { workload.run_thread(thread, start, end); });
  }
  for (auto& thread : threads) thread.join();
  report.count("threads", kThreads);
  report.count("seconds", static_cast<std::uint64_t>(run_time().count()));
  workload.check();
  report.print();
  // Too little work would make the checks above hollow.
  EXPECT_GT(report.figure("clock_collisions"), 0u);
  EXPECT_GT(report.figure("checkpoints"), 0u);
  EXPECT_GT(report.figure("stores_dropped"), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConcurrencyThreads,
                         ::testing::ValuesIn(kv_backends_under_test()), backend_name);

}  // namespace
}  // namespace sds::test
