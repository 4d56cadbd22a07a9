// make_checkpoint and make_prune: removing a log's old patches.
#include <sds/database.hpp>

#include "fill.hpp"
#include "place.hpp"
#include "stopwatch.hpp"
#include "workloads.hpp"

namespace sds::workloads {
namespace {

constexpr const char* kStoreId = "bench";

class Checkpoint final : public Workload {
 public:
  Checkpoint(const Target& target, const CheckpointOptions& options)
      : options_(options),
        place_(target),
        snapshot_(make_payload(options.snapshot_bytes, Content::random, 4)),
        patch_(make_payload(options.patch_bytes, Content::random, 5)) {}

  Figures run() override {
    fill_patches(place_, kStoreId, next_clock_, options_.patches, patch_);
    next_clock_ += options_.patches;
    const auto store = sds::open(place_.uri(), kStoreId);
    Stopwatch stopwatch;
    store->checkpoint(snapshot_, next_clock_ - 1);  // keeps the last patch, as an engine does
    const double seconds = stopwatch.seconds();
    return {seconds, 1, snapshot_.size(), place_.bytes_on_disk(), std::nullopt};
  }

 private:
  CheckpointOptions options_;
  Place place_;
  Bytes snapshot_;
  Bytes patch_;
  Clock next_clock_ = 1;
};

class Prune final : public Workload {
 public:
  Prune(const Target& target, const PruneOptions& options)
      : target_(target),
        options_(options),
        patch_(make_payload(options.patch_bytes, Content::random, 6)) {}

  Figures run() override {
    const Place place(target_);
    fill_patches(place, kStoreId, 1, options_.patches, patch_);
    const auto store = sds::open(place.uri(), kStoreId);
    Stopwatch stopwatch;
    store->prune_patches(options_.pruned + 1);  // clocks 1 .. pruned
    const double seconds = stopwatch.seconds();
    return {seconds, options_.pruned, options_.pruned * options_.patch_bytes, place.bytes_on_disk(),
            std::nullopt};
  }

 private:
  Target target_;
  PruneOptions options_;
  Bytes patch_;
};

}  // namespace

std::unique_ptr<Workload> make_checkpoint(const Target& target, const CheckpointOptions& options) {
  return std::make_unique<Checkpoint>(target, options);
}

std::unique_ptr<Workload> make_prune(const Target& target, const PruneOptions& options) {
  return std::make_unique<Prune>(target, options);
}

}  // namespace sds::workloads
