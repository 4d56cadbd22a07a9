// The thread that runs the calls of one database off the JS thread
// (docs/DESIGN.md section 15): a FIFO queue, so that calls take effect in the
// order they were made, awaited or not; runs of queued appendPatch calls
// written as one WriteBatch per store; results handed back to the JS thread
// through a thread-safe function, one promise settled per call.
#pragma once

#include <node_api.h>

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
  std::uint64_t append_commits = 0;  // WriteBatch or single writes that ran them
};

class Worker {
 public:
  // Starts the thread. The worker lives until every handle it serves has let
  // go of it (release()) and its queue is done, or until the environment is
  // torn down.
  static std::shared_ptr<Worker> start(napi_env env);

  // JS thread. Queues `job`; with a deferred, settles its promise when done.
  // Refused (the job's promise rejects with closed) once the worker stopped.
  void submit(napi_env env, std::unique_ptr<Job> job);
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
  Worker() = default;
  void loop();
  void run_appends(std::vector<std::unique_ptr<Job>>& jobs, std::size_t begin, std::size_t end);
  void finish_job(std::unique_ptr<Job> job);

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

  // JS thread only.
  std::size_t handles_ = 0;
  std::size_t pending_ = 0;  // submitted, not settled: the loop is kept alive meanwhile
  bool alive_ = true;        // settle_ not finalized, environment not torn down
  bool teardown_hook_ = false;
};

}  // namespace sds::node
