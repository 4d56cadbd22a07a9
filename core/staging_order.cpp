#include "core/staging_order.hpp"

#include "core/errors.hpp"
#include "core/keys.hpp"
#include "sds/error.hpp"

namespace sds::core {

void StagingOrder::damaged(const std::string& what) {
  throw Error(Errc::corruption,
              what + ": the engine could not read it back, so nothing of it is written",
              "check the source with `sdsctl verify`; `sdsctl salvage` copies what is readable");
}

void StagingOrder::store(std::string_view id) {
  if (in_blobs_) damaged("store '" + keys::printable(id) + "' comes after the blobs");
  if (id.empty() || id.size() > kMaxStoreIdBytes) {
    damaged("a store id of " + std::to_string(id.size()) + " bytes (a store id is 1 to " +
            std::to_string(kMaxStoreIdBytes) + " bytes)");
  }
  if (last_store_id_ && id <= *last_store_id_) {
    damaged("store '" + keys::printable(id) + "' " +
            (id == *last_store_id_ ? "appears twice" : "is out of order"));
  }
  last_store_id_ = std::string(id);
  last_patch_.reset();
}

void StagingOrder::patch(Clock clock, std::string_view name) {
  if (last_patch_ && clock <= *last_patch_) {
    damaged("the patch at clock " + std::to_string(clock) + " of " + std::string(name) +
            (clock == *last_patch_ ? " appears twice" : " is out of order"));
  }
  last_patch_ = clock;
}

void StagingOrder::blob(std::string_view hash, std::int64_t ref_count) {
  in_blobs_ = true;
  const std::string name = "blob '" + keys::printable(hash) + "'";
  if (hash.empty() || hash.size() > kMaxHashBytes) {
    damaged("a blob hash of " + std::to_string(hash.size()) + " bytes (a hash is 1 to " +
            std::to_string(kMaxHashBytes) + " bytes)");
  }
  if (last_hash_ && hash <= *last_hash_) {
    damaged(name + (hash == *last_hash_ ? " appears twice" : " is out of order"));
  }
  last_hash_ = std::string(hash);
  if (ref_count <= 0) {
    damaged(name + " has reference count " + std::to_string(ref_count) +
            " (a stored blob has at least 1)");
  }
}

void check_empty_target(const TargetContents& contents, std::string_view uri) {
  if (contents.empty()) return;
  throw Error(Errc::invalid_argument,
              in_quotes(uri) + " holds " + std::to_string(contents.stores) + " stores and " +
                  std::to_string(contents.blobs) +
                  " blobs, and this transfer writes only into an empty database",
              "name an empty or new database, or choose to merge or replace");
}

}  // namespace sds::core
