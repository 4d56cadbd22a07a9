#include "core/kill_points.hpp"

namespace sds::core {

std::atomic<KillPointHandler> kill_point_handler{nullptr};

const char* to_string(KillPoint point) {
  switch (point) {
    case KillPoint::patch_put:
      return "patch_put";
    case KillPoint::checkpoint_snapshot_put:
      return "checkpoint_snapshot_put";
    case KillPoint::checkpoint_prune:
      return "checkpoint_prune";
    case KillPoint::blob_ref_change:
      return "blob_ref_change";
    case KillPoint::group_half_assembled:
      return "group_half_assembled";
  }
  return "unknown";
}

}  // namespace sds::core
