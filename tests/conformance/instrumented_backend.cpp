#include "instrumented_backend.hpp"

#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "test_support.hpp"

namespace sds::test {
namespace {

struct RunAgain : std::exception {};

class InstrumentedTransaction final : public kv::WriteTransaction {
 public:
  explicit InstrumentedTransaction(kv::WriteTransaction& inner) : inner_(inner) {}
  std::optional<ByteView> get(std::string_view key) override { return inner_.get(key); }
  void scan(std::string_view from, std::string_view to, const kv::ScanVisitor& visit) override {
    inner_.scan(from, to, visit);
  }
  void put(std::string_view key, ByteView value) override {
    const std::string& poison = instrumentation().fail_puts_containing;
    if (!poison.empty() && as_chars(value).find(poison) != std::string_view::npos) {
      throw Error(Errc::io_error, "instrumented: put of a poisoned value");
    }
    inner_.put(key, value);
  }
  void erase(std::string_view key) override { inner_.erase(key); }
  void erase_range(std::string_view from, std::string_view to) override {
    inner_.erase_range(from, to);
  }
  void nested(const std::function<void(kv::WriteTransaction&)>& fn) override {
    inner_.nested([&](kv::WriteTransaction& txn) {
      InstrumentedTransaction wrapped(txn);
      fn(wrapped);
    });
  }

 private:
  kv::WriteTransaction& inner_;
};

class InstrumentedBackend final : public kv::Backend {
 public:
  explicit InstrumentedBackend(std::shared_ptr<kv::Backend> inner) : inner_(std::move(inner)) {}

  void view(const std::function<void(kv::ReadTransaction&)>& fn) override { inner_->view(fn); }

  void update(const std::function<void(kv::WriteTransaction&)>& fn) override {
    Instrumentation& watch = instrumentation();
    {
      const std::lock_guard lock(watch.updating_threads_mutex);
      watch.updating_threads.push_back(std::this_thread::get_id());
    }
    if (watch.hold_next_update.exchange(false) || watch.hold_every_update) {
      std::this_thread::sleep_for(watch.hold_for);
    }
    inner_->update([&](kv::WriteTransaction& txn) {
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
    });
    ++watch.updates;
  }

  void flush() override { inner_->flush(); }

 private:
  std::shared_ptr<kv::Backend> inner_;
};

}  // namespace

Instrumentation& instrumentation() {
  static Instrumentation instance;
  return instance;
}

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
        return std::make_shared<InstrumentedBackend>(open_inner(config));
      };
      register_backend(std::move(info));
    }
  }
  return "instrumented+" + uri;
}

}  // namespace sds::test
