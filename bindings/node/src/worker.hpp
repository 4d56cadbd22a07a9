// The thread that runs the calls of one database off the JS thread
// (docs/DESIGN.md section 15): a FIFO queue, so that calls take effect in the
// order they were made, awaited or not; runs of queued appendPatch calls
// written as one WriteBatch per store; results handed back to the JS thread
// through a thread-safe function, one promise settled per call. A quick call
// made while the database has nothing pending runs on the JS thread instead
// (section 15.4).
#pragma once

#include <node_api.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "bindings/node/src/jobs.hpp"

namespace sds::node {

// How the queue ran, for queueStats(): appendCommits below appendCalls
// means appends were coalesced.
struct QueueFigures {
  std::uint64_t calls = 0;
  std::uint64_t append_calls = 0;
  std::uint64_t append_commits = 0;   // WriteBatch or single writes that ran them
  std::uint64_t js_thread_calls = 0;  // of `calls`, those run on the JS thread
};

// How long a call of a kind may have taken for the next one to run on the JS
// thread (the jsThreadBudgetMs option), in nanoseconds.
// Infinity (kAny) lifts kQuickInputBytes too: every call that may run on the
// JS thread does when its database is idle, as the Node package's calls do.
struct JsThreadBudget {
  static constexpr std::uint64_t kNever = 0;                // jsThreadBudgetMs: 0
  static constexpr std::uint64_t kAny = ~std::uint64_t{0};  // Infinity
  static constexpr std::uint64_t kDefault = 100'000;        // 0.1 ms
  std::uint64_t nanoseconds = kDefault;
};

// A call handing over more data is written on the worker, whatever the last
// call of its method took (unless the budget is kAny): the time of a write
// grows with its data.
inline constexpr std::size_t kQuickInputBytes = 64 * 1024;

class Worker {
 public:
  // Starts the thread. The worker lives until every handle it serves has let
  // go of it (release()) and its queue is done, or until the environment is
  // torn down.
  static std::shared_ptr<Worker> start(napi_env env, JsThreadBudget budget);

  // JS thread. Queues `job`; with a deferred, settles its promise when done.
  // Refused (the job's promise rejects with closed) once the worker stopped.
  void submit(napi_env env, std::unique_ptr<Job> job);
  // JS thread. Whether `job` may run on the JS thread now: it is not
  // worker_only, nothing submitted is pending (so it takes effect and settles
  // after every earlier call, as it would on the worker, and the worker is
  // not using the database), it hands over at most kQuickInputBytes, and the
  // last call of its kind on this database took at most the budget (any
  // call with the budget kAny).
  bool may_run_here(const Job& job) const;
  // JS thread, when may_run_here(): runs `job` and settles its promise.
  void run_here(napi_env env, std::unique_ptr<Job> job);
  // JS thread: one more handle (a provider or database object) uses it, or
  // one fewer; at zero the thread ends once the queue is done.
  void retain() { ++handles_; }
  void release();

  QueueFigures figures();

  // JS thread: lets the queued calls run, then ends the thread and waits for
  // it. Later calls are refused. For the end of the process (stop_all).
  void stop_and_join();

  ~Worker();

 private:
  explicit Worker(JsThreadBudget budget);
  void loop();
  // Runs `job`, keeping its failure, and notes how long it took.
  void run_timed(Job& job);
  void note_duration(CallKind kind, std::chrono::steady_clock::time_point start);
  void run_appends(std::vector<std::unique_ptr<Job>>& jobs, std::size_t begin, std::size_t end);
  void finish_job(std::unique_ptr<Job> job);

  static void settle(napi_env env, Job& job);
  static void settle_all(napi_env env, napi_value, void* context, void*);
  static void on_finalize(napi_env env, void* data, void* hint);
  static void on_teardown(void* arg);

  napi_threadsafe_function settle_ = nullptr;
  std::thread thread_;
  std::shared_ptr<Worker> self_;  // keeps the worker alive until settle_ is finalized

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Job>> queue_;
  std::vector<std::unique_ptr<Job>> done_;
  bool stopping_ = false;
  QueueFigures figures_;

  // The duration of the last call of each kind, wherever it ran (unknown:
  // the largest value). Atomic because the worker notes them while the JS
  // thread may read them.
  std::array<std::atomic<std::uint64_t>, kCallKinds> last_nanoseconds_;
  const JsThreadBudget budget_;

  // JS thread only.
  std::size_t handles_ = 0;
  std::size_t pending_ = 0;  // submitted, not settled: the loop is kept alive meanwhile
  bool alive_ = true;        // settle_ not finalized, environment not torn down
  bool teardown_hook_ = false;
};

}  // namespace sds::node
