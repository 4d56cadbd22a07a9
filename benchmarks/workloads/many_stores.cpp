// make_many_stores: opening and restoring one store among many.
#include <sds/database.hpp>
#include <sds/write_batch.hpp>
#include <stdexcept>
#include <string>

#include "place.hpp"
#include "stopwatch.hpp"
#include "workloads.hpp"

namespace sds::workloads {
namespace {

constexpr Clock kSnapshotClock = 1;

std::string store_id(int index) { return "store-" + std::to_string(index); }

class ManyStores final : public Workload {
 public:
  ManyStores(const Target& target, const ManyStoresOptions& options)
      : options_(options), place_(target), restored_(store_id(options.stores / 2)) {
    if (options.stores < 1) throw std::invalid_argument("many stores needs at least one store");
    fill();
    // The first open after writing may do one-off work (RocksDB replays its
    // WAL): done here, so that every run opens the same way.
    sds::open_database(place_.uri());
  }

  Figures run() override {
    Stopwatch stopwatch;
    const auto database = sds::open_database(place_.uri());
    const auto store = database->store(restored_);
    const std::optional<Bytes> snapshot = store->load_snapshot();
    const std::vector<Bytes> patches = store->load_patches_since(kSnapshotClock);
    const double seconds = stopwatch.seconds();
    if (!snapshot || patches.size() != options_.patches_per_store) {
      throw std::runtime_error("store '" + restored_ + "' read back something else than written");
    }
    return {seconds, 1, snapshot->size() + patches.size() * options_.patch_bytes,
            place_.bytes_on_disk(), std::nullopt};
  }

 private:
  // Under sync=off, as fill_patches, for the same reason; one commit per store.
  void fill() {
    const auto database = sds::open_database(place_.uri_with("sync", "off"));
    const Bytes snapshot = make_payload(options_.snapshot_bytes, Content::random, 7);
    const Bytes patch = make_payload(options_.patch_bytes, Content::random, 8);
    for (int index = 0; index < options_.stores; ++index) {
      WriteBatch batch;
      batch.save_snapshot(snapshot, kSnapshotClock);
      for (Clock clock = kSnapshotClock + 1; clock <= kSnapshotClock + options_.patches_per_store;
           ++clock) {
        batch.append_patch(patch, clock);
      }
      database->store(store_id(index))->write(batch);
    }
  }

  ManyStoresOptions options_;
  Place place_;
  std::string restored_;
};

}  // namespace

std::unique_ptr<Workload> make_many_stores(const Target& target, const ManyStoresOptions& options) {
  return std::make_unique<ManyStores>(target, options);
}

}  // namespace sds::workloads
