#include "backends/postgres/connection_pool.hpp"

namespace sds::backend::pg {
namespace {

// docs/DESIGN.md section 9.2: what each sync mode asks of a commit.
const char* synchronous_commit(SyncMode sync) {
  switch (sync) {
    case SyncMode::off:
      return "SET synchronous_commit TO off";
    case SyncMode::normal:
      return "SET synchronous_commit TO local";
    case SyncMode::full:
      break;
  }
  return "SET synchronous_commit TO on";
}

}  // namespace

Lease::~Lease() { pool_.give_back(std::move(connection_)); }

Lease ConnectionPool::acquire() {
  {
    std::unique_lock lock(mutex_);
    returned_.wait(lock, [this] { return !idle_.empty() || open_ < settings_.connections; });
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection));
    }
    ++open_;
  }
  try {
    auto connection = std::make_unique<Connection>(settings_.connect, uri_, settings_.timeout);
    connection->run(synchronous_commit(sync_));
    return Lease(*this, std::move(connection));
  } catch (...) {
    std::lock_guard lock(mutex_);
    --open_;
    returned_.notify_one();
    throw;
  }
}

void ConnectionPool::give_back(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (connection && !connection->broken()) {
    idle_.push_back(std::move(connection));
    returned_.notify_one();
    return;
  }
  // The server went away, or stopped being a primary: the idle connections
  // were to it too. Dropping them makes the next calls connect afresh rather
  // than fail one by one on each of them.
  open_ -= 1 + idle_.size();
  idle_.clear();
  returned_.notify_all();
}

}  // namespace sds::backend::pg
