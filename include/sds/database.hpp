// sds::Database: one open URI serving many stores; sds::open_database/sds::open.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sds/contents.hpp"
#include "sds/export.hpp"
#include "sds/store.hpp"

namespace sds {

struct OpenOptions {
  // Open for reading only: the path must exist (else not_found), nothing is
  // created, and every write throws Errc::unsupported. For tools.
  bool read_only = false;
};

// What Database::stats() reports.
struct DatabaseStats {
  std::uint64_t store_count = 0;
  std::uint64_t blob_count = 0;
  std::uint64_t blob_bytes = 0;                // as the callers saved them
  std::uint64_t blob_stored_bytes = 0;         // after compression and framing
  std::optional<std::uint64_t> bytes_on_disk;  // where the backend knows it
  std::uint32_t format_version = 0;            // of the stored layout (docs/FORMAT.md)
};

// One open database. Every method is safe to call from several threads at once;
// every method but close() and uri() throws Errc::closed after close(). Stores
// obtained from it stay usable after the Database object is gone.
class SDS_API Database {
 public:
  virtual ~Database();

  // A handle on the store `id` (1 to kMaxStoreIdBytes arbitrary bytes, else
  // invalid_argument). A store comes into being with its first write; on a
  // read-only database a store that does not exist is not_found.
  virtual std::unique_ptr<Store> store(std::string_view id) = 0;
  // The ids of the stores that hold anything, in bytewise order.
  virtual std::vector<std::string> stores() = 0;
  // Deletes the store's snapshot and patches (blobs stay: they belong to the
  // database). A store that does not exist is not_found.
  virtual void drop_store(std::string_view id) = 0;
  // Counts and sizes of the database (a scan of the blob headers).
  virtual DatabaseStats stats() = 0;
  // Hands the selected stores (snapshot with its clock, patches with theirs)
  // and blobs (with their reference counts) to `visitor`, decoded as reads
  // return them, in bounded memory: one record at a time, read in batches,
  // so that writes of other threads and processes may interleave between
  // batches. A selected store that does not exist is not_found; a damaged
  // record is corruption.
  virtual void visit_contents(ContentsVisitor& visitor,
                              const ContentsSelection& selection = {}) = 0;
  // Makes everything written so far durable, whatever the sync mode.
  virtual void flush() = 0;
  // The URI this database was opened with, any password masked.
  virtual const std::string& uri() const = 0;
  virtual bool read_only() const = 0;
  // Idempotent; the destructor calls it. Open stores keep the backend open.
  virtual void close() = 0;
};

// Opens the database a URI names (docs/DESIGN.md section 8): `scheme:path` or
// `scheme://authority/path`, then `?key=value&...`. Opening the same path
// twice in one process shares one backend handle.
// Throws invalid_argument for a malformed URI, an unknown scheme or parameter;
// unsupported for a scheme this build left out; the backend's own code
// (io_error, corruption, version, busy, full, not_found) when it cannot open.
SDS_API std::unique_ptr<Database> open_database(std::string_view uri,
                                                const OpenOptions& options = {});

// open_database(uri, options)->store(store_id), in one line.
SDS_API std::unique_ptr<Store> open(std::string_view uri, std::string_view store_id,
                                    const OpenOptions& options = {});

}  // namespace sds
