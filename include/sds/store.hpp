// sds::Store: one logical store (snapshot, patch log) with the extras beyond the
// Node package: checkpoint bookkeeping, streamed reads, flush, stats.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sds/export.hpp"
#include "sds/provider.hpp"
#include "sds/types.hpp"
#include "sds/write_batch.hpp"

namespace sds {

// Called for each patch in ascending clock order; return false to stop. The
// view is valid only during the call. The visitor may call the store again.
using PatchVisitor = std::function<bool(Clock clock, ByteView patch)>;

// What Store::stats() counts besides the store itself.
enum class StatsScope {
  store_only,  // the store's snapshot and patches; blob fields stay 0
  with_blobs,  // also every blob of the database: a scan of all blob headers
};

// What stats() reports of one store and of the database it lives in.
struct StoreStats {
  bool has_snapshot = false;
  Clock snapshot_clock = 0;                 // 0 when there is no snapshot
  std::uint64_t snapshot_bytes = 0;         // as the caller saved it
  std::uint64_t snapshot_stored_bytes = 0;  // after compression and framing
  std::uint64_t patch_count = 0;
  std::uint64_t patch_bytes = 0;           // sum of the patches' sizes
  std::optional<Clock> first_patch_clock;  // nullopt when there is no patch
  std::optional<Clock> last_patch_clock;
  std::uint64_t accumulated_bytes = 0;  // as accumulated_bytes()
  std::uint64_t checkpoint_bytes = 0;   // the threshold of checkpoint_due()
  // Blobs belong to the database: these count all of them, not this store's
  // (0 with StatsScope::store_only).
  std::uint64_t blob_count = 0;
  std::uint64_t blob_bytes = 0;                // as the callers saved them
  std::uint64_t blob_stored_bytes = 0;         // after compression and framing
  std::optional<std::uint64_t> bytes_on_disk;  // where the backend knows it
};

// A PersistenceProvider plus what a server needs. Obtain one from
// Database::store() or sds::open(). Every method is safe to call from several
// threads at once; every method but close() and id() throws Errc::closed after
// close(). On a database opened read-only, writes throw Errc::unsupported.
class SDS_API Store : public PersistenceProvider {
 public:
  ~Store() override;

  // The store id this object was opened with.
  virtual const std::string& id() const = 0;

  // Sum of the sizes of the patches with a clock greater than the snapshot's
  // (all patches when there is no snapshot). Exact for writes of this process;
  // other processes' appends count from the next open or checkpoint. O(1).
  virtual std::uint64_t accumulated_bytes() const = 0;
  // accumulated_bytes() >= the checkpoint threshold (URI parameter
  // checkpoint_bytes, 512 KiB by default). O(1).
  virtual bool checkpoint_due() const = 0;
  // Saves `snapshot` at `clock` and prunes the patches with a clock below
  // `clock`, in one atomic transaction: after a crash either all of it is
  // there or none. A clock lower than the stored snapshot's is refused with
  // invalid_argument, so a stale process cannot overwrite a newer checkpoint.
  virtual void checkpoint(ByteView snapshot, Clock clock) = 0;
  // The stored snapshot's clock, or nullopt when there is no snapshot.
  virtual std::optional<Clock> snapshot_clock() = 0;

  // Streams every patch with a clock greater than `clock` to `visit`, ascending,
  // with its clock. Memory stays bounded (a few MiB) however long the log is;
  // no lock is held while `visit` runs. Patches appended or pruned meanwhile
  // may or may not be seen.
  virtual void visit_patches_since(Clock clock, const PatchVisitor& visit) = 0;

  // Adds a reference to a blob already stored, without sending its data again.
  // Returns false (and changes nothing) when no blob is stored under `hash`.
  virtual bool retain_value(std::string_view hash) = 0;

  // Applies every write of `batch` in one transaction, in order: all of them,
  // or none when one fails (the error of that one is thrown). One commit and
  // at most one sync for the whole batch. Duplicate clocks behave as with
  // append_patch(): the first wins, within the batch too.
  virtual void write(const WriteBatch& batch) = 0;

  // Makes everything written so far durable, whatever the sync mode.
  virtual void flush() = 0;

  // Sizes and clocks of this store and, with StatsScope::with_blobs, of the
  // database's blobs. Reads every patch header (and blob header): meant for
  // tools, not hot paths. Counts come from the record headers; reads verify
  // the checksums, stats() does not (sdsctl verify does).
  virtual StoreStats stats(StatsScope scope = StatsScope::with_blobs) = 0;
};

}  // namespace sds
