// The connections of one open postgres:// database: up to `connections` of
// them, made when needed; a broken one is dropped with every idle one, so
// that the next call reconnects (docs/DESIGN.md section 8.6).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "backends/postgres/settings.hpp"
#include "sds/registry.hpp"

namespace sds::backend::pg {

class ConnectionPool;

// One connection, borrowed; given back (or dropped when broken) at its end.
class Lease {
 public:
  Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection)
      : pool_(pool), connection_(std::move(connection)) {}
  ~Lease();
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Connection& operator*() const { return *connection_; }

 private:
  ConnectionPool& pool_;
  std::unique_ptr<Connection> connection_;
};

class ConnectionPool {
 public:
  ConnectionPool(const Settings& settings, std::string uri, SyncMode sync)
      : settings_(settings), uri_(std::move(uri)), sync_(sync) {}

  // An idle connection, or a new one while fewer than `connections` exist;
  // else waits for one. Throws what connecting throws.
  Lease acquire();

 private:
  friend class Lease;
  void give_back(std::unique_ptr<Connection> connection);

  const Settings& settings_;
  std::string uri_;
  SyncMode sync_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // idle and leased
};

}  // namespace sds::backend::pg
