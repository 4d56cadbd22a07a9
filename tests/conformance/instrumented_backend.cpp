#include "instrumented_backend.hpp"

#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "test_support.hpp"

namespace sds::test {
namespace {

struct RunAgain : std::exception {};

thread_local bool inside_backend = false;

// Marks the code a scope runs as the wrapped backend's (true) or the
// caller's (false: a function or visitor handed to the backend).
class Inside {
 public:
  explicit Inside(bool backend) : previous_(inside_backend) { inside_backend = backend; }
  ~Inside() { inside_backend = previous_; }
  Inside(const Inside&) = delete;
  Inside& operator=(const Inside&) = delete;

 private:
  bool previous_;
};

// Counts one trait call and throws the scheduled fault when it is due.
void count_call(const char* what) {
  Instrumentation& watch = instrumentation();
  const std::uint64_t call = ++watch.calls;
  const std::uint64_t fail = watch.fail_call;
  if (fail == 0 || call < fail || (call > fail && !watch.fail_forever)) return;
  ++watch.faults_thrown;
  const Errc code = watch.fault;
  throw Error(code, std::string("instrumented: injected ") + to_string(code) + " at trait call " +
                        std::to_string(call) + " (" + what + ")");
}

std::optional<ByteView> counted_get(kv::ReadTransaction& inner, std::string_view key) {
  count_call("get");
  const Inside backend(true);
  return inner.get(key);
}

void counted_scan(kv::ReadTransaction& inner, std::string_view from, std::string_view to,
                  const kv::ScanVisitor& visit) {
  count_call("scan");
  const Inside backend(true);
  inner.scan(from, to, [&](std::string_view key, ByteView value) {
    const Inside caller(false);
    return visit(key, value);
  });
}

class InstrumentedReadTransaction final : public kv::ReadTransaction {
 public:
  explicit InstrumentedReadTransaction(kv::ReadTransaction& inner) : inner_(inner) {}
  std::optional<ByteView> get(std::string_view key) override { return counted_get(inner_, key); }
  void scan(std::string_view from, std::string_view to, const kv::ScanVisitor& visit) override {
    counted_scan(inner_, from, to, visit);
  }

 private:
  kv::ReadTransaction& inner_;
};

class InstrumentedTransaction final : public kv::WriteTransaction {
 public:
  explicit InstrumentedTransaction(kv::WriteTransaction& inner) : inner_(inner) {}
  std::optional<ByteView> get(std::string_view key) override { return counted_get(inner_, key); }
  void scan(std::string_view from, std::string_view to, const kv::ScanVisitor& visit) override {
    counted_scan(inner_, from, to, visit);
  }
  void put(std::string_view key, ByteView value) override {
    refuse_poisoned(value);
    count_call("put");
    const Inside backend(true);
    inner_.put(key, value);
  }
  bool insert(std::string_view key, ByteView value) override {
    refuse_poisoned(value);
    count_call("insert");
    ++inserts_;
    const Inside backend(true);
    return inner_.insert(key, value);
  }
  void erase(std::string_view key) override {
    count_call("erase");
    const Inside backend(true);
    inner_.erase(key);
  }
  void erase_range(std::string_view from, std::string_view to) override {
    count_call("erase_range");
    const Inside backend(true);
    inner_.erase_range(from, to);
  }
  void nested(const std::function<void(kv::WriteTransaction&)>& fn) override {
    count_call("nested");
    const Inside backend(true);
    inner_.nested([&](kv::WriteTransaction& txn) {
      const Inside caller(false);
      InstrumentedTransaction wrapped(txn);
      fn(wrapped);
    });
  }
  // The inserts made through this transaction (those of nested calls not).
  int inserts() const { return inserts_; }

 private:
  // A put or insert of a value holding fail_puts_containing fails.
  static void refuse_poisoned(ByteView value) {
    const std::string& poison = instrumentation().fail_puts_containing;
    if (!poison.empty() && as_chars(value).find(poison) != std::string_view::npos) {
      throw Error(Errc::io_error, "instrumented: put of a poisoned value");
    }
  }

  kv::WriteTransaction& inner_;
  int inserts_ = 0;
};

class InstrumentedBackend final : public kv::Backend {
 public:
  explicit InstrumentedBackend(std::shared_ptr<kv::Backend> inner) : inner_(std::move(inner)) {}

  void view(const std::function<void(kv::ReadTransaction&)>& fn) override {
    count_call("view");
    const Inside backend(true);
    inner_->view([&](kv::ReadTransaction& txn) {
      const Inside caller(false);
      InstrumentedReadTransaction wrapped(txn);
      fn(wrapped);
    });
  }

  void update(const std::function<void(kv::WriteTransaction&)>& fn) override {
    Instrumentation& watch = instrumentation();
    {
      const std::lock_guard lock(watch.updating_threads_mutex);
      watch.updating_threads.push_back(std::this_thread::get_id());
    }
    if (watch.hold_next_update.exchange(false) || watch.hold_every_update) {
      const auto until = std::chrono::steady_clock::now() + watch.hold_for;
      while (!watch.end_hold && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            until - std::chrono::steady_clock::now(), std::chrono::milliseconds(1)));
      }
    }
    count_call("update");
    const Inside backend(true);
    inner_->update([&](kv::WriteTransaction& txn) {
      const Inside caller(false);
      InstrumentedTransaction wrapped(txn);
      if (watch.run_functions_twice) {
        try {
          wrapped.nested([&](kv::WriteTransaction& first_run) {
            fn(first_run);
            throw RunAgain();
          });
        } catch (const RunAgain&) {
        }
      }
      fn(wrapped);
      if (watch.fail_next_commit.exchange(false)) {
        throw Error(Errc::io_error, "instrumented: the commit failed");
      }
      // A commit that fails: thrown here, the wrapped backend rolls back.
      count_call("commit");
      int most = watch.most_inserts_per_update;
      while (wrapped.inserts() > most &&
             !watch.most_inserts_per_update.compare_exchange_weak(most, wrapped.inserts())) {
      }
    });
    ++watch.updates;
  }

  void flush() override {
    count_call("flush");
    const Inside backend(true);
    inner_->flush();
  }

  std::optional<std::uint64_t> bytes_on_disk() override {
    const Inside backend(true);
    return inner_->bytes_on_disk();
  }
  void compact() override {
    const Inside backend(true);
    inner_->compact();
  }
  kv::IntegrityCheck check_integrity() override {
    const Inside backend(true);
    return inner_->check_integrity();
  }

 private:
  std::shared_ptr<kv::Backend> inner_;
};

}  // namespace

void Instrumentation::reset() {
  updates = 0;
  hold_next_update = false;
  hold_every_update = false;
  end_hold = false;
  most_inserts_per_update = 0;
  hold_for = std::chrono::milliseconds(0);
  {
    const std::lock_guard lock(updating_threads_mutex);
    updating_threads.clear();
  }
  fail_puts_containing.clear();
  fail_next_commit = false;
  run_functions_twice = false;
  calls = 0;
  fail_call = 0;
  fail_forever = false;
  fault = Errc::io_error;
  faults_thrown = 0;
}

Instrumentation& instrumentation() {
  static Instrumentation instance;
  return instance;
}

bool inside_wrapped_backend() { return inside_backend; }

std::string instrumented(const std::string& uri) {
  const std::string scheme = uri.substr(0, uri.find(':'));
  static std::mutex mutex;
  static std::set<std::string> registered;
  std::lock_guard lock(mutex);
  if (registered.insert(scheme).second) {
    for (BackendInfo info : backend_infos()) {
      if (info.scheme != scheme) continue;
      auto open_inner = info.open_kv;
      info.scheme = "instrumented+" + scheme;
      info.open_kv = [open_inner](const BackendConfig& config) {
        std::shared_ptr<kv::Backend> inner;
        {
          const Inside backend(true);
          inner = open_inner(config);
        }
        return std::make_shared<InstrumentedBackend>(std::move(inner));
      };
      register_backend(std::move(info));
    }
  }
  return "instrumented+" + uri;
}

}  // namespace sds::test
