// A database's contents as copy, export and import move them: stores with
// their records, and blobs with their reference counts, every record still
// encoded as stored (codec, raw size, payload) so nothing is recompressed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/maintenance/progress.hpp"
#include "core/record.hpp"
#include "core/shared_backend.hpp"

namespace sds::core::maintenance {

// Receives contents in this order: for each store, store() then its records
// (ascending by suffix); then every blob. Views are valid during the call.
class ContentVisitor {
 public:
  virtual ~ContentVisitor() = default;
  virtual void store(std::string_view id) = 0;
  // A record of the current store; `suffix` is its key after "S" number
  // ("m", "s", "p" clock: docs/FORMAT.md).
  virtual void store_record(std::string_view suffix, const Record& record) = 0;
  virtual void blob(std::string_view hash, std::int64_t ref_count, const Record& record) = 0;
  // After the last item.
  virtual void finish() {}
};

// Reads and checks without keeping anything (dry runs, archive checks).
class DiscardingVisitor final : public ContentVisitor {
 public:
  void store(std::string_view) override {}
  void store_record(std::string_view, const Record&) override {}
  void blob(std::string_view, std::int64_t, const Record&) override {}
};

// What to move: `stores` empty means every store.
struct Selection {
  std::vector<std::string> stores;
  bool blobs = true;
};

struct ContentCounts {
  std::uint64_t stores = 0;
  std::uint64_t records = 0;
  std::uint64_t blobs = 0;
  std::uint64_t bytes = 0;  // stored bytes of records and blobs
};

// Reads the selected contents of `source` in bounded memory, verifying every
// record (checksum, decompression) on the way, and hands them to `visitor`.
// Throws Errc::not_found for a selected store that does not exist and
// Errc::corruption for a damaged record or a blob without a reference count.
ContentCounts read_contents(SharedBackend& source, const Selection& selection,
                            ContentVisitor& visitor, const Progress& progress);

}  // namespace sds::core::maintenance
