// What every implementation of core::Staging checks of the order of what it
// is handed (docs/DESIGN.md section 13.1): each store and blob once and in
// order, stores before blobs, ids and hashes within their limits, patches
// ascending within a store, reference counts of at least 1.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/staging.hpp"
#include "sds/types.hpp"

namespace sds::core {

class StagingOrder {
 public:
  // Each throws Errc::corruption (damaged()) unless what it is given may
  // come next.
  void store(std::string_view id);
  // A patch of the current store, `name` ("store 'id'") for messages.
  void patch(Clock clock, std::string_view name);
  void blob(std::string_view hash, std::int64_t ref_count);

  // The error of contents the engine could not read back.
  [[noreturn]] static void damaged(const std::string& what);

 private:
  std::optional<std::string> last_store_id_;
  std::optional<Clock> last_patch_;  // of the current store
  std::optional<std::string> last_hash_;
  bool in_blobs_ = false;
};

// Refuses (Errc::invalid_argument) to stage into the database `uri` names,
// which holds `contents`, under TargetPolicy::empty: called with that policy
// only, so that the others never count what a target holds.
void check_empty_target(const TargetContents& contents, std::string_view uri);

}  // namespace sds::core
