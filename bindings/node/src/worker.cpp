#include "bindings/node/src/worker.hpp"

#include <iterator>
#include <limits>
#include <unordered_map>

#include "sds/write_batch.hpp"

namespace sds::node {

Worker::Worker(JsThreadBudget budget) : budget_(budget) {
  for (auto& last : last_nanoseconds_) last = std::numeric_limits<std::uint64_t>::max();
}

std::shared_ptr<Worker> Worker::start(napi_env env, JsThreadBudget budget) {
  std::shared_ptr<Worker> worker(new Worker(budget));
  Worker* raw = worker.get();
  check(
      env,
      napi_create_threadsafe_function(env, nullptr, nullptr, string(env, "sds-persistence-native"),
                                      0, 1, raw, on_finalize, raw, settle_all, &raw->settle_),
      "napi_create_threadsafe_function");
  // Only pending calls keep the event loop alive (submit() refs, settling unrefs).
  check(env, napi_unref_threadsafe_function(env, raw->settle_), "napi_unref_threadsafe_function");
  check(env, napi_add_env_cleanup_hook(env, on_teardown, raw), "napi_add_env_cleanup_hook");
  raw->teardown_hook_ = true;
  raw->self_ = worker;
  raw->thread_ = std::thread([raw] { raw->loop(); });
  return worker;
}

Worker::~Worker() {
  // Joined by on_finalize or on_teardown before the last reference goes;
  // never destroy a joinable std::thread (that would terminate the process).
  if (thread_.joinable()) thread_.detach();
}

void Worker::submit(napi_env env, std::unique_ptr<Job> job) {
  if (stopping_ || !alive_) {
    if (job->deferred != nullptr) {
      napi_reject_deferred(env, job->deferred,
                           make_error(env, {"closed", "the provider or database is closed", ""}));
    }
    return;
  }
  if (pending_++ == 0) {
    check(env, napi_ref_threadsafe_function(env, settle_), "napi_ref_threadsafe_function");
  }
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

bool Worker::may_run_here(const Job& job) const {
  if (job.kind == CallKind::worker_only || budget_.nanoseconds == JsThreadBudget::kNever ||
      pending_ > 0 || stopping_ || !alive_) {
    return false;
  }
  if (budget_.nanoseconds == JsThreadBudget::kAny) return true;
  return job.input_bytes <= kQuickInputBytes &&
         last_nanoseconds_[static_cast<std::size_t>(job.kind)].load(std::memory_order_relaxed) <=
             budget_.nanoseconds;
}

void Worker::run_here(napi_env env, std::unique_ptr<Job> job) {
  run_timed(*job);
  {
    std::lock_guard lock(mutex_);
    ++figures_.calls;
    ++figures_.js_thread_calls;
    if (job->kind == CallKind::append_patch) {
      ++figures_.append_calls;
      ++figures_.append_commits;
    }
  }
  settle(env, *job);
}

void Worker::run_timed(Job& job) {
  const auto start = std::chrono::steady_clock::now();
  try {
    job.run();
  } catch (...) {
    job.failure = current_failure();
  }
  note_duration(job.kind, start);
}

void Worker::note_duration(CallKind kind, std::chrono::steady_clock::time_point start) {
  if (kind == CallKind::worker_only) return;
  const auto elapsed = std::chrono::steady_clock::now() - start;
  last_nanoseconds_[static_cast<std::size_t>(kind)].store(
      static_cast<std::uint64_t>(std::chrono::nanoseconds(elapsed).count()),
      std::memory_order_relaxed);
}

void Worker::release() {
  if (--handles_ > 0) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
}

QueueFigures Worker::figures() {
  std::lock_guard lock(mutex_);
  return figures_;
}

void Worker::loop() {
  for (;;) {
    std::vector<std::unique_ptr<Job>> jobs;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) break;  // stopping, and every call is done
      jobs.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
    }
    // In queue order; a run of consecutive appends goes together.
    for (std::size_t i = 0; i < jobs.size();) {
      if (dynamic_cast<AppendJob*>(jobs[i].get()) != nullptr) {
        std::size_t end = i + 1;
        while (end < jobs.size() && dynamic_cast<AppendJob*>(jobs[end].get()) != nullptr) ++end;
        run_appends(jobs, i, end);
        i = end;
        continue;
      }
      run_timed(*jobs[i]);
      {
        std::lock_guard lock(mutex_);
        ++figures_.calls;
      }
      finish_job(std::move(jobs[i]));
      ++i;
    }
  }
  napi_release_threadsafe_function(settle_, napi_tsfn_release);
}

// One WriteBatch per store, in the order of each store's first append: one
// commit for the run instead of one per call. An append the batch refuses
// (over the size limit) fails alone. When the batch's write fails, nothing of
// it was written, and each append runs again on its own, so that every call
// gets its own result.
void Worker::run_appends(std::vector<std::unique_ptr<Job>>& jobs, std::size_t begin,
                         std::size_t end) {
  std::vector<StoreSlot*> order;
  std::unordered_map<StoreSlot*, std::vector<AppendJob*>> groups;
  for (std::size_t k = begin; k < end; ++k) {
    auto* append = static_cast<AppendJob*>(jobs[k].get());
    auto& group = groups[append->slot.get()];
    if (group.empty()) order.push_back(append->slot.get());
    group.push_back(append);
  }
  std::uint64_t commits = 0;
  for (StoreSlot* slot : order) {
    const auto& group = groups[slot];
    Store* store = nullptr;
    try {
      store = &slot->get();
    } catch (...) {
      const Failure failure = current_failure();
      for (AppendJob* append : group) append->failure = failure;
      continue;
    }
    WriteBatch batch;
    std::vector<AppendJob*> batched;
    for (AppendJob* append : group) {
      try {
        batch.append_patch(append->patch, append->clock);
        batched.push_back(append);
      } catch (...) {
        append->failure = current_failure();
      }
    }
    if (batched.empty()) continue;
    // Timed as one append: an append on the JS thread is one commit too.
    std::optional<Failure> failed;
    const auto start = std::chrono::steady_clock::now();
    try {
      ++commits;
      store->write(batch);
    } catch (...) {
      failed = current_failure();
    }
    note_duration(CallKind::append_patch, start);
    if (!failed) continue;
    if (batched.size() == 1) {
      batched.front()->failure = std::move(failed);
      continue;
    }
    for (AppendJob* append : batched) {
      try {
        ++commits;
        append->run();
      } catch (...) {
        append->failure = current_failure();
      }
    }
  }
  {
    std::lock_guard lock(mutex_);
    figures_.calls += end - begin;
    figures_.append_calls += end - begin;
    figures_.append_commits += commits;
  }
  for (std::size_t k = begin; k < end; ++k) finish_job(std::move(jobs[k]));
}

void Worker::finish_job(std::unique_ptr<Job> job) {
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    first = done_.empty();
    done_.push_back(std::move(job));
  }
  // One call of settle_all settles everything done by then.
  if (first) napi_call_threadsafe_function(settle_, nullptr, napi_tsfn_nonblocking);
}

void Worker::settle(napi_env env, Job& job) {
  if (job.deferred == nullptr) return;
  if (job.failure) {
    napi_reject_deferred(env, job.deferred, make_error(env, *job.failure));
    return;
  }
  napi_value value = nullptr;
  try {
    value = job.value(env);
  } catch (...) {
    napi_reject_deferred(env, job.deferred, make_error(env, current_failure()));
    return;
  }
  napi_resolve_deferred(env, job.deferred, value);
}

void Worker::settle_all(napi_env env, napi_value, void* context, void*) {
  if (env == nullptr) return;  // the environment is going away
  auto* worker = static_cast<Worker*>(context);
  std::vector<std::unique_ptr<Job>> done;
  {
    std::lock_guard lock(worker->mutex_);
    done.swap(worker->done_);
  }
  for (auto& job : done) settle(env, *job);
  worker->pending_ -= done.size();
  if (worker->pending_ == 0 && worker->alive_) {
    napi_unref_threadsafe_function(env, worker->settle_);
  }
}

void Worker::stop_and_join() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

// The environment is torn down (the process exits) with handles still open:
// the queued calls still run, so that no write is half done, but no promise
// is settled any more.
void Worker::on_teardown(void* arg) {
  auto* worker = static_cast<Worker*>(arg);
  worker->teardown_hook_ = false;
  worker->alive_ = false;
  worker->stop_and_join();
}

// The thread has released settle_ and every queued settle_all has run.
void Worker::on_finalize(napi_env env, void* data, void*) {
  auto* worker = static_cast<Worker*>(data);
  worker->alive_ = false;
  if (worker->thread_.joinable()) worker->thread_.join();
  if (worker->teardown_hook_) {
    napi_remove_env_cleanup_hook(env, on_teardown, worker);
    worker->teardown_hook_ = false;
  }
  std::shared_ptr<Worker> last = std::move(worker->self_);  // may destroy the worker on return
}

}  // namespace sds::node
