// A database's contents as copy, export, import and salvage move them:
// stores with their records, blobs with their reference counts, every record
// still encoded as stored (codec, raw size, payload), so nothing is
// recompressed. The archive (docs/ARCHIVE.md) is this sequence in a file.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/record.hpp"

namespace sds::core {

// Receives contents in this order: for each store, store() then its records;
// then every blob. Views are valid during the call.
class ContentVisitor {
 public:
  virtual ~ContentVisitor() = default;
  virtual void store(std::string_view id) = 0;
  // A record of the current store; `suffix` is its key after "S" number
  // ("m", "s", "p" clock: docs/FORMAT.md, keys::parse_store_suffix).
  virtual void store_record(std::string_view suffix, const Record& record) = 0;
  virtual void blob(std::string_view hash, std::int64_t ref_count, const Record& record) = 0;
  // After the last item.
  virtual void finish() {}
};

}  // namespace sds::core
