// The closed-or-open state shared by the core's Database and Store objects.
#pragma once

#include <memory>
#include <new>
#include <shared_mutex>
#include <string>
#include <utility>

#include "core/errors.hpp"
#include "core/shared_backend.hpp"
#include "sds/error.hpp"

namespace sds::core {

// Holds the SharedBackend until close(). Calls run under a shared lock, so close()
// waits for calls in flight and every later call throws Errc::closed. A call
// that runs out of memory throws Errc::full.
class SharedBackendHandle {
 public:
  SharedBackendHandle(std::shared_ptr<SharedBackend> shared, std::string what)
      : shared_(std::move(shared)), what_(std::move(what)) {}

  template <class Fn>
  decltype(auto) use(Fn&& fn) const {
    std::shared_lock lock(mutex_);
    if (!shared_) throw_closed();
    try {
      return fn(*shared_);
    } catch (const std::bad_alloc&) {
      throw out_of_memory("on " + what_);
    }
  }

  std::shared_ptr<SharedBackend> share() const {
    std::shared_lock lock(mutex_);
    if (!shared_) throw_closed();
    return shared_;
  }

  void close() {
    std::unique_lock lock(mutex_);
    shared_.reset();
  }

 private:
  [[noreturn]] void throw_closed() const {
    throw Error(Errc::closed, what_ + " is closed", "open it again to use it");
  }

  mutable std::shared_mutex mutex_;
  std::shared_ptr<SharedBackend> shared_;
  std::string what_;
};

}  // namespace sds::core
