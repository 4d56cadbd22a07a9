// Writing contents into a database safely: stage, check, publish
// (docs/DESIGN.md section 13). Copy, import and salvage write through this
// step and nothing else, so that a target's stores are either entirely what
// they were or entirely what was written, whatever fails or stops the run.
//
// The step is defined at the level of a database, not of the kv trait: every
// kv backend gets it from begin_staging() here, and a Store-level scheme (one
// that serves sds::Store itself instead of the kv trait) implements Staging
// over its own storage.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/content_visitor.hpp"
#include "core/payloads.hpp"
#include "core/shared_backend.hpp"

namespace sds::core {

// What publishing does with what the target holds already. Blobs are keyed by
// hash and shared by the stores of a database, and a reference cannot be told
// apart from another, so reference counts can only be kept exact or raised,
// never lowered (docs/DESIGN.md section 13.3).
enum class TargetPolicy {
  empty,    // the target must hold no store and no blob; counts are copied exactly
  merge,    // stores are added; a store id the target has already is refused;
            // the staged counts are added to the target's
  replace,  // as merge, but a store of an id the target has is replaced; the
            // counts of the blobs it referenced stay (they may now be too high)
};

// What the target holds: the stores and blobs that a policy weighs.
struct TargetContents {
  std::uint64_t stores = 0;
  std::uint64_t blobs = 0;  // reference count records, and blobs without one
  bool empty() const { return stores == 0 && blobs == 0; }
};
TargetContents count_target(SharedBackend& target);

struct PublishReport {
  std::uint64_t stores_added = 0;     // ids the target did not have
  std::uint64_t stores_replaced = 0;  // ids whose old store was replaced
  std::uint64_t blobs_added = 0;      // hashes the target did not have
  std::uint64_t blobs_counted = 0;    // hashes it had: the staged count was added to its own
  std::vector<std::string> replaced;  // the ids of the replaced stores
};

// One transfer into a database. Contents arrive as a ContentVisitor's do;
// each is checked as the engine would read it back (keys, payloads, sizes,
// order, counts), written under a staging area that no reader of the
// database's stores sees, and read back. publish() then makes the staged
// stores and counts the target's in one transaction.
//
// Until publish() commits, the target's stores and counts are untouched. A
// failure or abandon() removes what was staged; after a SIGKILL the next
// staging into the database removes it (and `sdsctl verify` reports it).
class Staging : public ContentVisitor {
 public:
  // Checks the contents staged since the last call (the store in progress
  // included) and publishes all of them in one transaction. Throws
  // Errc::invalid_argument when the target changed meanwhile so that the
  // policy refuses it.
  virtual PublishReport publish() = 0;
  // Removes what was staged; the target stays as it was. The destructor does
  // this when neither publish() nor abandon() ran.
  virtual void abandon() = 0;
};

// Begins a transfer into `target`, open for writing and used by no Store
// object of this process while the transfer runs. Removes what an
// interrupted staging left first. Throws Errc::invalid_argument when
// `policy` refuses the target as it is (TargetPolicy::empty and it holds
// data), Errc::busy when another process is staging into it.
std::unique_ptr<Staging> begin_staging(std::shared_ptr<SharedBackend> target, TargetPolicy policy);

// A staging area found in a database: one that runs, or one that an
// interrupted transfer left behind.
struct StagingArea {
  bool running = false;  // its process is alive
  StagingHeader header;
  std::uint64_t stores = 0;  // staged stores
  std::uint64_t blobs = 0;   // staged blobs
};
std::optional<StagingArea> find_staging(SharedBackend& target);

}  // namespace sds::core
