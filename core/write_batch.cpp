#include "sds/write_batch.hpp"

#include "core/limits.hpp"

namespace sds {

void WriteBatch::append_patch(ByteView patch, Clock clock) {
  core::check_value_size(patch.size(), "patch");
  operations_.push_back({Kind::append_patch, clock, {}, patch});
}

void WriteBatch::save_snapshot(ByteView data, Clock clock) {
  core::check_value_size(data.size(), "snapshot");
  operations_.push_back({Kind::save_snapshot, clock, {}, data});
}

void WriteBatch::checkpoint(ByteView snapshot, Clock clock) {
  core::check_value_size(snapshot.size(), "snapshot");
  operations_.push_back({Kind::checkpoint, clock, {}, snapshot});
}

void WriteBatch::prune_patches(Clock before) {
  operations_.push_back({Kind::prune_patches, before, {}, {}});
}

void WriteBatch::save_value(std::string_view hash, ByteView data) {
  core::check_hash(hash);
  core::check_value_size(data.size(), "blob");
  operations_.push_back({Kind::save_value, 0, hash, data});
}

void WriteBatch::release_value(std::string_view hash) {
  core::check_hash(hash);
  operations_.push_back({Kind::release_value, 0, hash, {}});
}

}  // namespace sds
