// A scripted workload and the invariants a database must satisfy after it was
// interrupted (a process crash, a simulated power loss, an injected fault):
// the reliability suites' one definition of "nothing was lost".
//
// The workload is split into lanes. Each lane owns one store ("lane-N") and
// its own blob hashes, and runs its operations one after another, so that the
// operations of one lane commit in script order, whatever the other lanes do
// (several lanes in threads of one process form group commits). Every
// operation is one transaction, so after any interruption the part of the
// database a lane owns must equal a model of the lane after some prefix of its
// script: that single rule covers "no holes in the clocks", "an interrupted
// checkpoint is all or nothing" and "reference counts equal the references
// made". Acknowledged operations bound the prefix from below.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <sds/sds.hpp>
#include <string>
#include <vector>

namespace sds::test::reliability {

enum class OpKind : std::uint8_t {
  append,         // append_patch(patch_bytes(lane, clock), clock)
  append_again,   // append_patch at a clock already appended: the first wins
  checkpoint,     // checkpoint(snapshot_bytes(lane, clock), clock)
  prune,          // prune_patches(clock)
  save_value,     // save_value(blob_hash(lane, blob), blob_bytes(lane, blob))
  release_value,  // release_value(blob_hash(lane, blob))
};

struct Op {
  OpKind kind = OpKind::append;
  Clock clock = 0;
  std::uint32_t blob = 0;
};

struct ScriptShape {
  std::size_t lanes = 1;
  std::size_t ops_per_lane = 200;
  // Every this many patches, one is large (spills out of a SQLite page, spans
  // LMDB overflow pages); 0: none.
  std::size_t large_patch_every = 16;
  std::uint64_t seed = 1;
  // Appends only, so that the database only grows (the full-disk suites).
  bool appends_only = false;
  // The last operation of every lane is a checkpoint at the lane's last
  // clock: a suite can then require that a checkpoint after a fault succeeds.
  bool end_with_checkpoint = false;
};

// The same shape gives the same script in every process, so a parent knows
// what its forked writer attempts.
class Script {
 public:
  explicit Script(const ScriptShape& shape);
  const ScriptShape& shape() const { return shape_; }
  const std::vector<Op>& lane(std::size_t lane) const { return lanes_.at(lane); }

 private:
  ScriptShape shape_;
  std::vector<std::vector<Op>> lanes_;
};

std::string lane_store_id(std::size_t lane);
std::string blob_hash(std::size_t lane, std::uint32_t blob);
Bytes patch_bytes(std::size_t lane, Clock clock, bool large);
Bytes snapshot_bytes(std::size_t lane, Clock clock);
Bytes blob_bytes(std::size_t lane, std::uint32_t blob);
// A second append's bytes, which must never be the ones stored.
Bytes losing_patch_bytes(std::size_t lane, Clock clock);

// Runs one operation of `lane` on its store.
void apply(Store& store, const Script& script, std::size_t lane, const Op& op);

// What one lane owns in a database (or in the model).
struct LaneState {
  std::optional<std::pair<Clock, Bytes>> snapshot;
  std::map<Clock, Bytes> patches;
  std::map<std::string, std::int64_t> blob_refs;  // hashes with a reference only
  bool operator==(const LaneState&) const = default;
};

// Applies one operation to a model of the lane, with the store's semantics.
void apply(LaneState& model, const Script& script, std::size_t lane, const Op& op);

// What became of each operation a lane started, in script order; the
// operations after the last one listed were never started.
enum class OpFate : std::uint8_t {
  acknowledged,  // returned: it must be there (unless the promise says otherwise)
  failed,        // threw sds::Error: it must have left no trace
  unknown,       // in flight when the process died: there or not, whole
};
using LaneOutcome = std::vector<OpFate>;

// A lane whose first `acknowledged` operations returned and whose next one, if
// any, was in flight: what a crashed writer that reports each return leaves.
LaneOutcome crashed_after(const Script& script, std::size_t lane, std::size_t acknowledged);

// What may be missing after the interruption.
enum class Promise {
  acknowledged_survive,  // every acknowledged operation is there (a process crash; sync=full)
  prefix_only,           // the latest acknowledged ones may be gone (power loss under sync=normal)
};

// Opens `uri` and checks every lane against its outcome: the lane's part of
// the database must equal the model after some prefix of the operations
// started, failed ones left out, that the promise allows. Returns one line per
// violation; empty when the database keeps every promise. An open that throws
// is a violation too: after a crash, a database must open.
//
// With `recovered`, also says per lane how many operations the database holds:
// the first prefix whose model it equals. A writer that goes on with the
// same database resumes each lane there (an operation whose model changes
// nothing runs again harmlessly). Meaningful only when nothing was violated.
std::vector<std::string> check_invariants(const std::string& uri, const Script& script,
                                          const std::vector<LaneOutcome>& outcomes, Promise promise,
                                          std::vector<std::size_t>* recovered = nullptr);
// The same on a database open already, for a caller that checks more on it.
std::vector<std::string> check_invariants(Database& database, const Script& script,
                                          const std::vector<LaneOutcome>& outcomes, Promise promise,
                                          std::vector<std::size_t>* recovered = nullptr);

}  // namespace sds::test::reliability
