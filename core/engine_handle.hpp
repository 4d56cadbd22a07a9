// The closed-or-open state shared by the core's Database and Store objects.
#pragma once

#include <memory>
#include <shared_mutex>
#include <string>
#include <utility>

#include "core/engine.hpp"
#include "sds/error.hpp"

namespace sds::core {

// Holds the engine until close(). Calls run under a shared lock, so close()
// waits for calls in flight and every later call throws Errc::closed.
class EngineHandle {
 public:
  EngineHandle(std::shared_ptr<Engine> engine, std::string what)
      : engine_(std::move(engine)), what_(std::move(what)) {}

  template <class Fn>
  decltype(auto) use(Fn&& fn) const {
    std::shared_lock lock(mutex_);
    if (!engine_) throw_closed();
    return fn(*engine_);
  }

  std::shared_ptr<Engine> share() const {
    std::shared_lock lock(mutex_);
    if (!engine_) throw_closed();
    return engine_;
  }

  void close() {
    std::unique_lock lock(mutex_);
    engine_.reset();
  }

 private:
  [[noreturn]] void throw_closed() const {
    throw Error(Errc::closed, what_ + " is closed; open it again to use it");
  }

  mutable std::shared_mutex mutex_;
  std::shared_ptr<Engine> engine_;
  std::string what_;
};

}  // namespace sds::core
