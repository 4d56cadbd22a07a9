// The calls the worker runs for JS (docs/DESIGN.md section 15): a Job per
// call, the open Database and Store objects they act on, and how a Job's
// result becomes a JS value.
#pragma once

#include <node_api.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "bindings/node/src/napi_support.hpp"
#include "sds/database.hpp"
#include "sds/store.hpp"

namespace sds::node {

// One open database as the worker sees it. Touched only on the worker
// thread once made.
struct DatabaseSlot {
  std::string uri;
  std::unique_ptr<Database> database;
  std::optional<Failure> open_failure;  // set when opening failed

  // The open database; throws the open failure, or closed.
  Database& get();
};

// One open store; `database` is the slot it came from.
struct StoreSlot {
  std::shared_ptr<DatabaseSlot> database;
  std::string id;
  std::unique_ptr<Store> store;
  std::optional<Failure> open_failure;
  bool closed = false;

  // The open store (made on first use); throws the open failure, or closed.
  Store& get();
};

// The methods whose calls may run on the JS thread (docs/DESIGN.md section
// 15.4): a database times each one's calls, and runs the next one there only
// if the last took at most its budget. `worker_only`: a call that always
// runs on the worker (opening, closing, flush(), ready(), stats(), stores(),
// dropStore()).
enum class CallKind : std::uint8_t {
  load_snapshot,
  save_snapshot,
  load_patches_since,
  append_patch,
  prune_patches,
  load_value,
  save_value,
  release_value,
  accumulated_bytes,
  checkpoint_due,
  checkpoint,
  snapshot_clock,
  worker_only,
};
inline constexpr std::size_t kCallKinds = static_cast<std::size_t>(CallKind::worker_only);

// A call, queued on a worker or run on the JS thread. run() runs on either;
// value() on the JS thread, after a run() that threw nothing.
class Job {
 public:
  explicit Job(CallKind kind, std::size_t input_bytes = 0) : kind(kind), input_bytes(input_bytes) {}
  virtual ~Job() = default;
  virtual void run() = 0;
  virtual napi_value value(napi_env env) { return undefined(env); }

  const CallKind kind;
  const std::size_t input_bytes;     // the data the call hands over
  napi_deferred deferred = nullptr;  // null for the addon's own jobs (open, close)
  std::optional<Failure> failure;
};

// appendPatch: the worker runs consecutive ones together (Worker::run_appends).
class AppendJob final : public Job {
 public:
  AppendJob(std::shared_ptr<StoreSlot> slot, Bytes patch, Clock clock)
      : Job(CallKind::append_patch, patch.size()),
        slot(std::move(slot)),
        patch(std::move(patch)),
        clock(clock) {}
  void run() override { slot->get().append_patch(patch, clock); }

  std::shared_ptr<StoreSlot> slot;
  Bytes patch;
  Clock clock;
};

// Any other call: `work` computes a Result on the worker, `convert` makes it
// a JS value.
template <class Result>
class CallJob final : public Job {
 public:
  CallJob(CallKind kind, std::function<Result()> work,
          std::function<napi_value(napi_env, Result&)> convert)
      : Job(kind), work_(std::move(work)), convert_(std::move(convert)) {}
  void run() override { result_ = work_(); }
  napi_value value(napi_env env) override { return convert_(env, result_); }

 private:
  std::function<Result()> work_;
  std::function<napi_value(napi_env, Result&)> convert_;
  Result result_{};
};

// A call whose promise resolves to undefined.
class VoidJob final : public Job {
 public:
  VoidJob(CallKind kind, std::function<void()> work, std::size_t input_bytes = 0)
      : Job(kind, input_bytes), work_(std::move(work)) {}
  void run() override { work_(); }

 private:
  std::function<void()> work_;
};

}  // namespace sds::node
