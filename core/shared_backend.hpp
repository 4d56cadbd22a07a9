// SharedBackend: the core's state for one open key-value backend (the backend
// handle, its config, the write mutex, per-store figures), shared by every Database
// and Store object of this process that opened the same path.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/group_commit.hpp"
#include "core/store_figures.hpp"
#include "sds/kv.hpp"
#include "sds/registry.hpp"

namespace sds::core {

// The current format of the layout in docs/FORMAT.md. Bump it for any change an
// older build could misread; such a build then refuses the database. A
// writable open of an older format migrates it (docs/FORMAT.md, "Versions").
inline constexpr std::uint32_t kFormatVersion = 2;

// The group commits of a backend that declares concurrent_writes: writes to
// stores of different lanes run in parallel (docs/DESIGN.md section 3.7).
inline constexpr std::size_t kWriteLanes = 4;

class SharedBackend {
 public:
  // Checks the format record, writing it into a new database and moving an
  // older one to kFormatVersion on a writable open. Throws Errc::version for
  // a newer format, Errc::corruption for another layout.
  // `lanes` group commits: 1, or kWriteLanes for a backend that declares
  // concurrent_writes.
  SharedBackend(std::shared_ptr<kv::Backend> kv, BackendConfig config, std::size_t lanes = 1);

  kv::Backend& kv() { return *kv_; }
  const BackendConfig& config() const { return config_; }
  const std::string& uri() const { return config_.uri; }
  std::uint32_t format_version() const { return format_version_; }

  // Every write of this process goes through here: see core/group_commit.hpp.
  // The writes of one store go through one lane, so they commit in call
  // order; `store_id` picks it. Writes of no store take the first lane.
  void write(const WriteFn& fn) { committers_.front()->write(fn); }
  void write(const WriteFn& fn, std::string_view store_id) {
    committers_[std::hash<std::string_view>{}(store_id) % committers_.size()]->write(fn);
  }

  // The figures of `store_id`, shared by every Store object of this process.
  std::shared_ptr<StoreState> state(std::string_view store_id);

  // "in 'URI'" or "in 'URI', store 'id'", for messages.
  std::string where() const;
  std::string where(std::string_view store_id) const;

 private:
  std::uint32_t check_format();

  std::shared_ptr<kv::Backend> kv_;
  BackendConfig config_;
  std::uint32_t format_version_ = 0;
  std::vector<std::unique_ptr<GroupCommitter>> committers_;
  std::mutex states_mutex_;
  std::map<std::string, std::weak_ptr<StoreState>> states_;
  std::size_t sweep_at_ = 64;
};

}  // namespace sds::core
