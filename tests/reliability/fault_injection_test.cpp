// Fault injection at the kv trait (docs/DESIGN.md section 3.6), on every
// key-value scheme: the scripted workload of workload.hpp runs over the
// instrumented wrapper of the scheme's backend, which fails trait call N, for
// N = 1, 2, ... until a run completes without reaching call N (and N is past
// the most calls any run made). The workload
// has a sequential part, a burst of every lane at once (threads, so that
// group commits form), and ends every lane with a checkpoint. Each N runs
// once with a transient fault (call N alone fails) and once with a permanent
// one (every call from N on fails), for each fault: io_error (EIO), full
// (ENOSPC) and unsupported (a read-only refusal, section 3.3).
//
// Every fault must surface as that sds::Error, never another exception or a
// crash (a hang ends in CTest's timeout). After a transient fault, every
// operation that starts later succeeds, the final checkpoints included;
// after a permanent one, every later operation fails. Reopened over the bare
// backend, the database must satisfy check_invariants with the failed
// operations left out, and load the accumulated_bytes() that the faulted
// process kept.
#include <algorithm>
#include <cstdio>
#include <latch>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "tests/conformance/conformance.hpp"
#include "tests/conformance/instrumented_backend.hpp"
#include "tests/reliability/workload.hpp"

namespace sds::test::reliability {
namespace {

constexpr Errc kFaults[] = {Errc::io_error, Errc::full, Errc::unsupported};
// Never reached by a correct run: a bound on the loop, not a target.
constexpr std::uint64_t kMaxFaultPoints = 5000;

// 3 lanes of 7 operations: 2 in turn, 4 at once, then the checkpoint. The
// seed gives a script with every kind of write (checked below).
const ScriptShape kShape{
    .lanes = 3, .ops_per_lane = 7, .large_patch_every = 4, .seed = 11, .end_with_checkpoint = true};
constexpr std::size_t kSequentialOps = 2;

// What one run of the workload saw.
struct RunResult {
  std::vector<LaneOutcome> outcomes;
  // Each lane's accumulated_bytes() at the end, where it could be read.
  std::vector<std::optional<std::uint64_t>> accumulated;
  std::vector<std::string> violations;
  bool fault_fired = false;
  std::uint64_t calls = 0;  // of the trait, the failed one included
  std::size_t failed = 0;
};

class Runner {
 public:
  Runner(const Script& script, Errc fault, bool forever)
      : script_(script), fault_(fault), forever_(forever) {}

  RunResult run(const std::string& uri) {
    run_ = RunResult{};
    run_.outcomes.resize(script_.shape().lanes);
    run_.accumulated.resize(script_.shape().lanes);
    std::unique_ptr<Database> database;
    // An application whose open fails opens again; the second open must
    // succeed after a transient fault, and fail as the first after a
    // permanent one.
    for (int attempt = 0; attempt < 2 && !database; ++attempt) {
      attempt_call("open", [&] { database = open_database(uri); });
    }
    if (database) {
      std::vector<std::unique_ptr<Store>> stores;
      for (std::size_t lane = 0; lane < script_.shape().lanes; ++lane) {
        stores.push_back(database->store(lane_store_id(lane)));
      }
      workload(stores);
      stores.clear();
      // Closing calls nothing of the trait: it may succeed after any fault.
      attempt_call(
          "close", [&] { database->close(); }, false);
    }
    run_.fault_fired = instrumentation().faults_thrown > 0;
    run_.calls = instrumentation().calls;
    return std::move(run_);
  }

 private:
  void workload(std::vector<std::unique_ptr<Store>>& stores) {
    const std::size_t lanes = stores.size();
    const std::size_t ops = script_.shape().ops_per_lane;
    for (std::size_t i = 0; i < kSequentialOps; ++i) {
      for (std::size_t lane = 0; lane < lanes; ++lane) op(*stores[lane], lane, i);
    }
    std::latch start(static_cast<std::ptrdiff_t>(lanes));
    std::vector<std::thread> burst;
    for (std::size_t lane = 0; lane < lanes; ++lane) {
      burst.emplace_back([&, lane] {
        start.arrive_and_wait();
        for (std::size_t i = kSequentialOps; i + 1 < ops; ++i) op(*stores[lane], lane, i);
      });
    }
    for (std::thread& thread : burst) thread.join();
    for (std::size_t lane = 0; lane < lanes; ++lane) {
      op(*stores[lane], lane, ops - 1);
      // After a transient fault, the checkpoint a caller tries again succeeds.
      if (!forever_ && run_.outcomes[lane].back() == OpFate::failed) {
        run_.outcomes[lane].pop_back();
        op(*stores[lane], lane, ops - 1);
      }
    }
    // The figures this process kept through the faults (a failed write must
    // not have changed them), for comparison with those a reopen loads.
    // Figures known already need no call of the trait: they may be read
    // after a permanent fault too.
    for (std::size_t lane = 0; lane < lanes; ++lane) {
      attempt_call(
          "accumulated_bytes of lane " + std::to_string(lane),
          [&] { run_.accumulated[lane] = stores[lane]->accumulated_bytes(); }, false);
    }
  }

  void op(Store& store, std::size_t lane, std::size_t index) {
    const Op& op = script_.lane(lane)[index];
    const OpFate fate =
        attempt_call("operation " + std::to_string(index) + " of lane " + std::to_string(lane),
                     [&] { apply(store, script_, lane, op); });
    std::lock_guard lock(mutex_);
    run_.outcomes[lane].push_back(fate);
    if (fate == OpFate::failed) ++run_.failed;
  }

  // Runs `fn`, checking what it throws against the fault and its mode.
  template <class Fn>
  OpFate attempt_call(const std::string& what, Fn&& fn, bool calls_the_trait = true) {
    const bool after_fault = instrumentation().faults_thrown > 0;
    try {
      fn();
      if (after_fault && forever_ && calls_the_trait) {
        violation(what + " succeeded after a permanent fault");
      }
      return OpFate::acknowledged;
    } catch (const Error& error) {
      if (error.code() != fault_) {
        violation(what + " threw " + to_string(error.code()) + " where " + to_string(fault_) +
                  " was injected: " + error.what());
      }
      if (after_fault && !forever_) {
        violation(what + " failed after a transient fault: " + error.what());
      }
    } catch (const std::exception& error) {
      violation(what + " threw an exception that is no sds::Error: " + error.what());
    } catch (...) {
      violation(what + " threw something that is no std::exception");
    }
    return OpFate::failed;
  }

  void violation(std::string text) {
    std::lock_guard lock(mutex_);
    run_.violations.push_back(std::move(text));
  }

  const Script& script_;
  const Errc fault_;
  const bool forever_;
  std::mutex mutex_;
  RunResult run_;
};

class FaultInjection : public ::testing::TestWithParam<BackendUnderTest> {
 protected:
  // Fails call N of a fresh database's workload for N = 1, 2, ... until a run
  // reaches no call N, with each fault in turn; prints the suite's figures.
  void inject_at_every_call(bool forever) {
    const Script script(kShape);
    std::set<OpKind> kinds;
    for (std::size_t lane = 0; lane < kShape.lanes; ++lane) {
      for (const Op& op : script.lane(lane)) kinds.insert(op.kind);
    }
    for (OpKind kind : {OpKind::append, OpKind::checkpoint, OpKind::prune, OpKind::save_value,
                        OpKind::release_value}) {
      ASSERT_TRUE(kinds.count(kind)) << "the script lacks a kind of write";
    }
    std::map<Errc, std::uint64_t> points;
    std::uint64_t failed_ops = 0;
    std::uint64_t violations = 0;
    for (const Errc fault : kFaults) {
      // Group commits make the number of calls vary from run to run: the
      // loop goes on past the most calls any run made.
      bool completed = false;
      std::uint64_t most_calls = 0;
      for (std::uint64_t call = 1; call <= kMaxFaultPoints && !completed; ++call) {
        TempDir dir(scratch_base());
        // No syncs: a fault of the trait needs none.
        const std::string uri = with_query(GetParam().make_uri(dir.path()), "sync=off");
        Instrumentation& watch = instrumentation();
        watch.reset();
        watch.fault = fault;
        watch.fail_forever = forever;
        watch.fail_call = call;
        Runner runner(script, fault, forever);
        RunResult run = runner.run(instrumented(uri));
        watch.reset();
        most_calls = std::max(most_calls, run.calls);
        completed = !run.fault_fired && call > most_calls;
        points[fault] += run.fault_fired ? 1 : 0;
        failed_ops += run.failed;
        const auto reopened = open_database(uri);
        for (std::string& problem :
             check_invariants(*reopened, script, run.outcomes, Promise::acknowledged_survive)) {
          run.violations.push_back("after reopening: " + problem);
        }
        for (std::size_t lane = 0; lane < kShape.lanes; ++lane) {
          if (!run.accumulated[lane]) continue;
          const std::uint64_t loaded = reopened->store(lane_store_id(lane))->accumulated_bytes();
          if (loaded != *run.accumulated[lane]) {
            run.violations.push_back(lane_store_id(lane) + ": accumulated_bytes() was " +
                                     std::to_string(*run.accumulated[lane]) + ", a reopen loads " +
                                     std::to_string(loaded));
          }
        }
        for (const std::string& problem : run.violations) {
          ADD_FAILURE() << to_string(fault) << " at call " << call << ": " << problem;
        }
        violations += run.violations.size();
      }
      EXPECT_TRUE(completed) << "the workload never completed";
      // Every call of the workload is a fault point: far more than its operations.
      EXPECT_GT(points[fault], kShape.lanes * kShape.ops_per_lane);
    }
    std::printf(
        "RELIABILITY fault_injection_%s %s: fault_points=%llu io_error=%llu full=%llu "
        "read_only=%llu failed_operations=%llu violations=%llu\n",
        forever ? "permanent" : "transient", GetParam().name.c_str(),
        static_cast<unsigned long long>(points[Errc::io_error] + points[Errc::full] +
                                        points[Errc::unsupported]),
        static_cast<unsigned long long>(points[Errc::io_error]),
        static_cast<unsigned long long>(points[Errc::full]),
        static_cast<unsigned long long>(points[Errc::unsupported]),
        static_cast<unsigned long long>(failed_ops), static_cast<unsigned long long>(violations));
  }
};

TEST_P(FaultInjection, ATransientFaultAtAnyCallLosesNothingAcknowledged) {
  inject_at_every_call(false);
}

TEST_P(FaultInjection, APermanentFaultFromAnyCallLosesNothingAcknowledged) {
  inject_at_every_call(true);
}

// Not on a server scheme: each fault point is a database of its own, and a
// server's thousands of tables would take minutes; what this suite tests is
// the core's handling, the same over every backend (a server backend's own
// errors are its own tests').
INSTANTIATE_TEST_SUITE_P(Backends, FaultInjection,
                         ::testing::ValuesIn(without_servers(kv_backends_under_test())),
                         backend_name);

}  // namespace
}  // namespace sds::test::reliability
