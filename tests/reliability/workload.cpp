#include "tests/reliability/workload.hpp"

#include <algorithm>
#include <exception>
#include <random>

namespace sds::test::reliability {
namespace {

constexpr std::uint32_t kBlobsPerLane = 6;
constexpr std::size_t kLargePatchBytes = 20000;  // over SQLite's 4 KiB page, LMDB's overflow limit
constexpr std::size_t kSnapshotBytes = 30000;

// Bytes that tell lane, kind and number apart at every offset, so that a
// value read from the wrong key or a torn value never compares equal.
Bytes pattern(std::string_view kind, std::size_t lane, std::uint64_t number, std::size_t size) {
  const std::string head =
      std::string(kind) + " " + std::to_string(lane) + ":" + std::to_string(number) + ";";
  Bytes out;
  out.reserve(std::max(size, head.size()));
  while (out.size() < size || out.size() < head.size()) {
    for (char c : head) out.push_back(static_cast<std::uint8_t>(c));
  }
  out.resize(std::max(size, head.size()));
  return out;
}

Op pick(std::mt19937_64& random, const LaneState& model, Clock last_clock) {
  const auto roll = random() % 100;
  Op op;
  if (roll < 55 || last_clock == 0) {
    op.kind = OpKind::append;
    op.clock = last_clock + 1;
  } else if (roll < 60 && !model.patches.empty()) {
    op.kind = OpKind::append_again;
    auto it = model.patches.begin();
    std::advance(it, random() % model.patches.size());
    op.clock = it->first;
  } else if (roll < 68) {
    op.kind = OpKind::checkpoint;
    op.clock = last_clock;
  } else if (roll < 72) {
    op.kind = OpKind::prune;
    op.clock = 1 + random() % last_clock;
  } else if (roll < 87) {
    op.kind = OpKind::save_value;
    op.blob = static_cast<std::uint32_t>(random() % kBlobsPerLane);
  } else {
    op.kind = OpKind::release_value;
    op.blob = static_cast<std::uint32_t>(random() % kBlobsPerLane);
  }
  if (op.kind == OpKind::append_again && model.patches.empty()) op.kind = OpKind::append;
  return op;
}

bool is_large(const ScriptShape& shape, Clock clock) {
  return shape.large_patch_every != 0 && clock % shape.large_patch_every == 0;
}

}  // namespace

Script::Script(const ScriptShape& shape) : shape_(shape) {
  for (std::size_t lane = 0; lane < shape.lanes; ++lane) {
    std::mt19937_64 random(shape.seed * 1000003 + lane);
    LaneState model;
    Clock last_clock = 0;
    std::vector<Op> ops;
    for (std::size_t i = 0; i < shape.ops_per_lane; ++i) {
      const bool last = i + 1 == shape.ops_per_lane;
      const Op op = shape.end_with_checkpoint && last && last_clock > 0
                        ? Op{OpKind::checkpoint, last_clock, 0}
                    : shape.appends_only ? Op{OpKind::append, last_clock + 1}
                                         : pick(random, model, last_clock);
      if (op.kind == OpKind::append) last_clock = op.clock;
      apply(model, *this, lane, op);
      ops.push_back(op);
    }
    lanes_.push_back(std::move(ops));
  }
}

std::string lane_store_id(std::size_t lane) { return "lane-" + std::to_string(lane); }

std::string blob_hash(std::size_t lane, std::uint32_t blob) {
  return "blob-" + std::to_string(lane) + "-" + std::to_string(blob);
}

Bytes patch_bytes(std::size_t lane, Clock clock, bool large) {
  return pattern("patch", lane, clock, large ? kLargePatchBytes : 40 + clock % 160);
}

Bytes losing_patch_bytes(std::size_t lane, Clock clock) { return pattern("late", lane, clock, 50); }

Bytes snapshot_bytes(std::size_t lane, Clock clock) {
  return pattern("snapshot", lane, clock, kSnapshotBytes);
}

Bytes blob_bytes(std::size_t lane, std::uint32_t blob) {
  return pattern("blob", lane, blob, blob % 3 == 0 ? 40000 : 100);
}

void apply(Store& store, const Script& script, std::size_t lane, const Op& op) {
  switch (op.kind) {
    case OpKind::append:
      store.append_patch(patch_bytes(lane, op.clock, is_large(script.shape(), op.clock)), op.clock);
      return;
    case OpKind::append_again:
      store.append_patch(losing_patch_bytes(lane, op.clock), op.clock);
      return;
    case OpKind::checkpoint:
      store.checkpoint(snapshot_bytes(lane, op.clock), op.clock);
      return;
    case OpKind::prune:
      store.prune_patches(op.clock);
      return;
    case OpKind::save_value:
      store.save_value(blob_hash(lane, op.blob), blob_bytes(lane, op.blob));
      return;
    case OpKind::release_value:
      store.release_value(blob_hash(lane, op.blob));
      return;
  }
}

void apply(LaneState& model, const Script& script, std::size_t lane, const Op& op) {
  switch (op.kind) {
    case OpKind::append:
      model.patches.try_emplace(op.clock,
                                patch_bytes(lane, op.clock, is_large(script.shape(), op.clock)));
      return;
    case OpKind::append_again:
      model.patches.try_emplace(op.clock, losing_patch_bytes(lane, op.clock));
      return;
    case OpKind::checkpoint:
      model.patches.erase(model.patches.begin(), model.patches.lower_bound(op.clock));
      model.snapshot.emplace(op.clock, snapshot_bytes(lane, op.clock));
      return;
    case OpKind::prune:
      model.patches.erase(model.patches.begin(), model.patches.lower_bound(op.clock));
      return;
    case OpKind::save_value:
      ++model.blob_refs[blob_hash(lane, op.blob)];
      return;
    case OpKind::release_value: {
      const auto it = model.blob_refs.find(blob_hash(lane, op.blob));
      if (it != model.blob_refs.end() && --it->second == 0) model.blob_refs.erase(it);
      return;
    }
  }
}

LaneOutcome crashed_after(const Script& script, std::size_t lane, std::size_t acknowledged) {
  const std::size_t ops = script.lane(lane).size();
  LaneOutcome outcome(std::min(acknowledged, ops), OpFate::acknowledged);
  if (acknowledged < ops) outcome.push_back(OpFate::unknown);
  return outcome;
}

namespace {

// Reads every lane's part of a database through visit_contents; blob bytes
// and patch or snapshot bytes are compared by the caller through the models.
class LaneReader : public ContentsVisitor {
 public:
  LaneReader(const Script& script, std::vector<std::string>& problems)
      : problems_(problems), lanes_(script.shape().lanes) {
    for (std::size_t lane = 0; lane < lanes_.size(); ++lane) {
      lane_of_store_[lane_store_id(lane)] = lane;
      for (std::uint32_t blob = 0; blob < kBlobsPerLane; ++blob) {
        lane_of_blob_[blob_hash(lane, blob)] = {lane, blob};
      }
    }
  }
  std::vector<LaneState>& lanes() { return lanes_; }

  void store(std::string_view id) override {
    const auto it = lane_of_store_.find(std::string(id));
    current_ = it == lane_of_store_.end() ? nullptr : &lanes_[it->second];
    if (!current_) problems_.push_back("a store nobody created: " + std::string(id));
  }
  void snapshot(Clock clock, ByteView data) override {
    if (current_) current_->snapshot.emplace(clock, Bytes(data.begin(), data.end()));
  }
  void patch(Clock clock, ByteView data) override {
    if (current_) current_->patches.emplace(clock, Bytes(data.begin(), data.end()));
  }
  void blob(std::string_view hash, std::int64_t ref_count, ByteView data) override {
    const auto it = lane_of_blob_.find(std::string(hash));
    if (it == lane_of_blob_.end()) {
      problems_.push_back("a blob nobody saved: " + std::string(hash));
      return;
    }
    const auto [lane, blob] = it->second;
    const Bytes expected = blob_bytes(lane, blob);
    if (!std::equal(data.begin(), data.end(), expected.begin(), expected.end())) {
      problems_.push_back("blob " + std::string(hash) + " holds other bytes");
    }
    lanes_[lane].blob_refs[std::string(hash)] = ref_count;
  }

 private:
  std::vector<std::string>& problems_;
  std::vector<LaneState> lanes_;
  LaneState* current_ = nullptr;
  std::map<std::string, std::size_t> lane_of_store_;
  std::map<std::string, std::pair<std::size_t, std::uint32_t>> lane_of_blob_;
};

std::string describe(const LaneState& state) {
  std::string out = "snapshot ";
  out += state.snapshot ? std::to_string(state.snapshot->first) : "none";
  out += ", " + std::to_string(state.patches.size()) + " patches";
  if (!state.patches.empty()) {
    out += " (" + std::to_string(state.patches.begin()->first) + ".." +
           std::to_string(state.patches.rbegin()->first) + ")";
  }
  out += ", refs";
  for (const auto& [hash, refs] : state.blob_refs) out += " " + hash + "=" + std::to_string(refs);
  return out;
}

// The index after the last acknowledged operation: what must be there.
std::size_t required_prefix(const LaneOutcome& outcome) {
  for (std::size_t i = outcome.size(); i > 0; --i) {
    if (outcome[i - 1] == OpFate::acknowledged) return i;
  }
  return 0;
}

}  // namespace

std::vector<std::string> check_invariants(const std::string& uri, const Script& script,
                                          const std::vector<LaneOutcome>& outcomes, Promise promise,
                                          std::vector<std::size_t>* recovered) {
  std::unique_ptr<Database> database;
  try {
    database = open_database(uri);
  } catch (const std::exception& error) {
    if (recovered) recovered->assign(outcomes.size(), 0);
    return {std::string("open failed: ") + error.what()};
  }
  return check_invariants(*database, script, outcomes, promise, recovered);
}

std::vector<std::string> check_invariants(Database& database, const Script& script,
                                          const std::vector<LaneOutcome>& outcomes, Promise promise,
                                          std::vector<std::size_t>* recovered) {
  std::vector<std::string> problems;
  if (recovered) recovered->assign(outcomes.size(), 0);
  std::vector<LaneState> found;
  try {
    LaneReader reader(script, problems);
    database.visit_contents(reader);
    found = std::move(reader.lanes());
  } catch (const std::exception& error) {
    problems.push_back(std::string("read failed: ") + error.what());
    return problems;
  }
  for (std::size_t lane = 0; lane < found.size(); ++lane) {
    const LaneOutcome& outcome = outcomes.at(lane);
    const std::size_t lowest =
        promise == Promise::acknowledged_survive ? required_prefix(outcome) : 0;
    LaneState model;
    bool matched = false;
    for (std::size_t ops = 0; ops <= outcome.size() && !matched; ++ops) {
      if (ops > 0 && outcome[ops - 1] != OpFate::failed) {
        apply(model, script, lane, script.lane(lane)[ops - 1]);
      }
      matched = ops >= lowest && model == found[lane];
      if (matched && recovered) (*recovered)[lane] = ops;
    }
    if (!matched) {
      problems.push_back(lane_store_id(lane) + ": " + describe(found[lane]) +
                         " is no state after " + std::to_string(lowest) + ".." +
                         std::to_string(outcome.size()) + " operations");
    }
  }
  return problems;
}

}  // namespace sds::test::reliability
