// run_steady_state: restore time and disk use over repeated checkpoint cycles.
#include <algorithm>
#include <sds/database.hpp>
#include <span>
#include <stdexcept>

#include "place.hpp"
#include "stopwatch.hpp"
#include "workloads.hpp"

namespace sds::workloads {
namespace {

constexpr int kRestoresPerCycle = 3;

template <class Value>
double mean(std::span<const CycleFigures> cycles, Value value) {
  double sum = 0;
  for (const CycleFigures& cycle : cycles) sum += value(cycle);
  return sum / static_cast<double>(cycles.size());
}

}  // namespace

std::vector<CycleFigures> run_steady_state(const Target& target,
                                           const SteadyStateOptions& options) {
  if (options.cycles < 1) throw std::invalid_argument("steady state needs at least one cycle");
  const Place place(target);
  const auto store = sds::open(place.uri(), "bench");
  const Bytes snapshot = make_payload(options.snapshot_bytes, Content::random, 9);
  const Bytes patch = make_payload(options.patch_bytes, Content::random, 10);
  std::vector<CycleFigures> cycles;
  Clock clock = 0;
  for (int cycle = 0; cycle < options.cycles; ++cycle) {
    store->checkpoint(snapshot, clock);
    const Clock snapshot_clock = clock;
    for (std::uint64_t i = 0; i < options.patches_per_cycle; ++i)
      store->append_patch(patch, ++clock);

    // The fastest of a few restores: one alone is too short to rise above
    // the scheduler's noise, and cycles are compared with each other.
    double fastest = 0;
    for (int attempt = 0; attempt < kRestoresPerCycle; ++attempt) {
      Stopwatch stopwatch;
      const std::optional<Bytes> restored = store->load_snapshot();
      const std::vector<Bytes> patches = store->load_patches_since(snapshot_clock);
      const double seconds = stopwatch.seconds();
      if (!restored || patches.size() != options.patches_per_cycle) {
        throw std::runtime_error("steady state: cycle " + std::to_string(cycle + 1) +
                                 " read back something else than written");
      }
      fastest = attempt == 0 ? seconds : std::min(fastest, seconds);
    }
    cycles.push_back({fastest, place.bytes_on_disk()});
  }
  return cycles;
}

SteadyStateGrowth steady_state_growth(const std::vector<CycleFigures>& cycles) {
  if (cycles.empty()) throw std::invalid_argument("steady state growth needs cycles");
  const std::size_t window = std::max<std::size_t>(
      1, std::min(std::max<std::size_t>(10, cycles.size() / 10), cycles.size() / 2));
  const std::span<const CycleFigures> all(cycles);
  const auto first = all.first(window);
  const auto last = all.last(window);
  const auto restore = [](const CycleFigures& cycle) { return cycle.restore_seconds; };
  SteadyStateGrowth growth;
  growth.restore = mean(last, restore) / mean(first, restore);
  const bool on_disk = std::all_of(cycles.begin(), cycles.end(),
                                   [](const CycleFigures& cycle) { return cycle.bytes_on_disk; });
  if (on_disk) {
    const auto disk = [](const CycleFigures& cycle) {
      return static_cast<double>(*cycle.bytes_on_disk);
    };
    growth.bytes_on_disk = mean(last, disk) / mean(first, disk);
  }
  return growth;
}

}  // namespace sds::workloads
