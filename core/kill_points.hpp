// Named points in the core's write path where the crash suite kills its
// writer (docs/DESIGN.md section 9.3). Not part of the public API: no header
// in include/ names them. In production no handler is installed, and a point
// costs one relaxed load of a null pointer.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace sds::core {

// Each point lies inside a write transaction, after the write it names and
// before the commit: a process that dies there must leave none of it.
enum class KillPoint : std::uint8_t {
  patch_put,                // append_patch stored its patch
  checkpoint_snapshot_put,  // checkpoint wrote its snapshot, not yet its header
  checkpoint_prune,         // checkpoint erased the patches below its clock
  blob_ref_change,          // save_value, retain_value or release_value changed a count
  group_half_assembled,     // a group's first write ran; the others of the group not yet
};
inline constexpr std::size_t kKillPoints = 5;

const char* to_string(KillPoint point);

using KillPointHandler = void (*)(KillPoint);

// The installed handler, or null. Set it before the writes whose points it
// should see start (tests install it in a forked child, before opening).
extern std::atomic<KillPointHandler> kill_point_handler;

inline void kill_point(KillPoint point) {
  if (const KillPointHandler handler = kill_point_handler.load(std::memory_order_relaxed)) {
    handler(point);
  }
}

}  // namespace sds::core
