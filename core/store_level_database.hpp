// What sdsctl needs of a Store-level scheme's Database beyond the public
// interface (docs/DESIGN.md section 13): the staging step into it, the count
// its target policies weigh, a staging area found in it, and the library's
// own check of its files. A
// built-in Store-level scheme implements this; sdsctl reads any Store-level
// scheme through Database::visit_contents(), and writes into those that
// implement it.
#pragma once

#include <memory>
#include <optional>

#include "core/staging.hpp"
#include "sds/database.hpp"
#include "sds/kv.hpp"
#include "sds/registry.hpp"

namespace sds::core {

class StoreLevelDatabase : public Database {
 public:
  // The configuration it was opened with (canonical path included).
  virtual const BackendConfig& config() const = 0;
  // Begins a transfer into this database, as core::begin_staging() does into
  // a key-value one, with the same checks and policies.
  virtual std::unique_ptr<Staging> begin_staging(TargetPolicy policy) = 0;
  // What the target policies weigh: its stores and blobs.
  virtual TargetContents count_contents() = 0;
  // The staging area of a transfer running into it, or left by one that
  // was interrupted (for sdsctl verify), as core::find_staging() finds one.
  virtual std::optional<StagingArea> find_staging() = 0;
  // The storage library's own check of the files (kv::Backend::check_integrity).
  virtual kv::IntegrityCheck check_integrity() = 0;
};

}  // namespace sds::core
