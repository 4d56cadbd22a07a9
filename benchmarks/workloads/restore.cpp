// make_restore: snapshot + patches since, in a fresh process (cold) or this one (warm).
#include <stdexcept>

#include "child_process.hpp"
#include "place.hpp"
#include "stopwatch.hpp"
#include "subject.hpp"
#include "workloads.hpp"

namespace sds::workloads {
namespace {

constexpr const char* kStoreId = "bench";
constexpr Clock kSnapshotClock = 1;

// Writes the snapshot and the patches after it, under sync=off: the durability
// of the writes is not what a restore measures, and it spares an fsync each.
void write_fixture(const Place& place, const RestoreOptions& options) {
  const auto subject = open_subject(place.uri_with("sync", "off"), kStoreId);
  subject->save_snapshot(make_payload(options.snapshot_bytes, Content::random, 2), kSnapshotClock);
  const Bytes patch = make_payload(options.patch_bytes, Content::random, 3);
  for (Clock clock = kSnapshotClock + 1; clock <= kSnapshotClock + options.patches; ++clock) {
    subject->append_patch(patch, clock);
  }
}

// The restore itself; throws when the store does not hold what was written.
Figures restore(Subject& subject, const RestoreOptions& options) {
  const std::optional<Bytes> snapshot = subject.load_snapshot();
  const std::vector<Bytes> patches = subject.load_patches_since(kSnapshotClock);
  if (!snapshot || snapshot->size() != options.snapshot_bytes ||
      patches.size() != options.patches) {
    throw std::runtime_error("restore read back something else than was written");
  }
  return {0, 1, snapshot->size() + patches.size() * options.patch_bytes, std::nullopt,
          std::nullopt};
}

class WarmRestore final : public Workload {
 public:
  WarmRestore(const Target& target, const RestoreOptions& options)
      : options_(options), place_(target) {
    write_fixture(place_, options_);
    subject_ = open_subject(place_.uri(), kStoreId);
  }

  Figures run() override {
    Stopwatch stopwatch;
    Figures figures = restore(*subject_, options_);
    figures.seconds = stopwatch.seconds();
    figures.bytes_on_disk = place_.bytes_on_disk();
    return figures;
  }

 private:
  RestoreOptions options_;
  Place place_;
  std::unique_ptr<Subject> subject_;
};

class ColdRestore final : public Workload {
 public:
  ColdRestore(const Target& target, const RestoreOptions& options)
      : options_(options), written_(target) {
    if (!target.persistent()) {
      throw std::invalid_argument("a cold restore needs a persistent scheme, not " + target.scheme);
    }
    write_fixture(written_, options_);
  }

  Figures run() override {
    const auto place = written_.copy();
    Figures figures = measure_in_child([&] {
      Stopwatch stopwatch;
      const auto subject = open_subject(place->uri(), kStoreId);
      Figures measured = restore(*subject, options_);
      measured.seconds = stopwatch.seconds();
      return measured;
    });
    figures.bytes_on_disk = written_.bytes_on_disk();
    return figures;
  }

 private:
  RestoreOptions options_;
  Place written_;  // as the writer left it: each run restores a copy
};

}  // namespace

std::unique_ptr<Workload> make_restore(const Target& target, const RestoreOptions& options) {
  if (options.cold) return std::make_unique<ColdRestore>(target, options);
  return std::make_unique<WarmRestore>(target, options);
}

}  // namespace sds::workloads
