// What a database holds, record by record: for tools that move or check
// contents on every scheme (sdsctl copy, export, verify).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sds/export.hpp"
#include "sds/types.hpp"

namespace sds {

// Receives Database::visit_contents()'s items in this order: for each store,
// store(), then its snapshot (if it has one), then its patches in ascending
// clock order; then every blob in bytewise order of hashes. Views are valid
// only during the call, which must not call the database.
class SDS_API ContentsVisitor {
 public:
  virtual ~ContentsVisitor();
  virtual void store(std::string_view id) = 0;
  virtual void snapshot(Clock clock, ByteView data) = 0;
  virtual void patch(Clock clock, ByteView data) = 0;
  virtual void blob(std::string_view hash, std::int64_t ref_count, ByteView data) = 0;
};

// Which contents to visit.
struct ContentsSelection {
  std::vector<std::string> stores;  // these stores, in bytewise order; empty: every store
  bool blobs = true;
};

}  // namespace sds
