// Reading a database's contents as copy, export and salvage move them
// (core/content_visitor.hpp): in bounded memory, every record checked.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/content_visitor.hpp"
#include "core/maintenance/progress.hpp"
#include "core/shared_backend.hpp"

namespace sds::core::maintenance {

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

// The selected stores of `source` with their numbers, sorted by id, each
// once. Throws Errc::not_found for a selected store that does not exist.
std::vector<std::pair<std::string, std::uint64_t>> select_stores(SharedBackend& source,
                                                                 const Selection& selection);

// Reads the selected contents of `source` in bounded memory, verifying every
// record (checksum, decompression) on the way, and hands them to `visitor`,
// stores in id order and blobs in hash order. Throws Errc::not_found for a
// selected store that does not exist and Errc::corruption for a damaged
// record or a blob without a reference count. Blobs that an interrupted
// transfer staged and never published are not contents.
ContentCounts read_contents(SharedBackend& source, const Selection& selection,
                            ContentVisitor& visitor, const Progress& progress);

// What salvage left behind or changed, and why.
struct Salvaged {
  enum class Kind {
    skipped,    // not copied
    repaired,   // copied with a change (a snapshot header's sizes)
    recounted,  // a blob whose reference count was lost or damaged, copied with count 1
  };
  Kind kind = Kind::skipped;
  std::string what;  // names the record, store or blob
  std::string why;
};
using SalvageLog = std::function<void(const Salvaged&)>;

// Reads every record of `source` that passes its checks and hands it to
// `visitor`, as read_contents() does, but skips what is damaged instead of
// stopping, reporting each to `log`: records that fail their checksum or do
// not decode, store id table entries (their stores' records are then
// reported as of no store), a snapshot without its header, a header without
// its snapshot, blobs without data. A blob whose reference count record is
// lost or damaged gets count 1; a snapshot header whose sizes are wrong is
// rewritten from its snapshot. Throws only when the database cannot be read
// at all.
ContentCounts salvage_contents(SharedBackend& source, ContentVisitor& visitor,
                               const SalvageLog& log, const Progress& progress);

}  // namespace sds::core::maintenance
