// The key layout (docs/FORMAT.md, "Keys"): the one place where keys are
// encoded and decoded. Every key starts with a one-byte tag; a tag, once used,
// is never given another meaning.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sds/types.hpp"

namespace sds::core::keys {

inline constexpr char kFormatTag = 'F';     // "F": the format record
inline constexpr char kNextStoreTag = 'N';  // "N": the next store number to hand out
inline constexpr char kInternTag = 'I';     // "I" hash(id): store ids with that hash
inline constexpr char kStoreTag = 'S';      // "S" number ...: one store's records
inline constexpr char kBlobTag = 'B';       // "B" hash: a blob's data
inline constexpr char kRefsTag = 'R';       // "R" hash: a blob's reference count
inline constexpr char kStagingTag = 'T';    // "T" ...: a transfer being staged (core/staging.hpp)

// Sub-tags after "S" number.
inline constexpr char kMetaSub = 'm';      // snapshot clock and sizes
inline constexpr char kSnapshotSub = 's';  // snapshot data
inline constexpr char kPatchSub = 'p';     // followed by the clock

std::string format();
std::string next_store();
std::string intern(std::string_view store_id);
std::string intern_begin();
std::string intern_end();

std::string store_begin(std::uint64_t store);
std::string store_end(std::uint64_t store);
std::string meta(std::uint64_t store);
std::string snapshot(std::uint64_t store);
std::string patch(std::uint64_t store, Clock clock);
// One past the last patch key of `store`.
std::string patches_end(std::uint64_t store);
// The clock of a key made by patch(); Errc::corruption naming `where` (the
// URI and store) for any other key.
Clock patch_clock(std::string_view key, std::string_view where);

// Every store record of every store lies in [stores_begin(), stores_end()).
std::string stores_begin();
std::string stores_end();

// A store record's key is "S" number, then a suffix naming the record within
// the store: "m", "s", or "p" clock. Copy and the archive (docs/ARCHIVE.md)
// move records by suffix, since numbers belong to one database.
struct StoreKey {
  std::uint64_t store = 0;
  std::string_view suffix;  // into the key that was parsed
};
// The store number and suffix of a key in the store range; nullopt when the
// key is too short to hold a number and a suffix.
std::optional<StoreKey> parse_store_key(std::string_view key);
// The key of the record `suffix` of `store`.
std::string store_record(std::uint64_t store, std::string_view suffix);

enum class StoreRecordKind { snapshot_header, snapshot, patch };
struct StoreRecordName {
  StoreRecordKind kind = StoreRecordKind::patch;
  Clock clock = 0;  // of a patch
};
// What a suffix names; nullopt for a suffix of no known record ("p123", "",
// "x"). Exactly the suffixes that meta(), snapshot() and patch() write.
std::optional<StoreRecordName> parse_store_suffix(std::string_view suffix);
// The suffix of a record: the inverse of parse_store_suffix().
std::string store_suffix(const StoreRecordName& name);

std::string blob(std::string_view hash);
std::string blobs_begin();
std::string blobs_end();
std::string refs(std::string_view hash);
std::string refs_begin();
std::string refs_end();
// The hash of a key made by blob() or refs().
std::string_view blob_hash(std::string_view key);

// The staging area of a transfer (docs/FORMAT.md, "Staging"): invisible to
// every reader of the stores, published or removed as a whole.
inline constexpr char kStagingHeaderSub = 'h';  // "T" "h": who stages, since when
inline constexpr char kStagingStoreSub = 's';   // "T" "s" sequence: a staged store
inline constexpr char kStagingBlobSub = 'b';    // "T" "b" hash: a staged blob
std::string staging_begin();
std::string staging_end();
std::string staging_header();
std::string staging_store(std::uint64_t sequence);
std::string staging_stores_begin();
std::string staging_stores_end();
std::string staging_blob(std::string_view hash);
std::string staging_blobs_begin();
std::string staging_blobs_end();
// The hash of a key made by staging_blob().
std::string_view staged_blob_hash(std::string_view key);
// Whether `key` was made by staging_store().
bool is_staged_store(std::string_view key);

// Whether the record under `key` may be stored compressed: snapshot data and
// blob data only (docs/FORMAT.md, "Records"). Every other record, patches
// included, is raw.
bool may_be_compressed(std::string_view key);

// A key range, from <= key < to; an empty `to` has no upper bound.
struct KeyRange {
  std::string from;
  std::string to;
};
// The ranges that no record of this layout occupies: data found there is of
// another layout or of a newer format (sdsctl verify reports it).
std::vector<KeyRange> unknown_ranges();

// A readable name for a key, for messages ("patch at clock 42 of store #3").
std::string describe(std::string_view key);

// Bytes shown readably, the one form in which store ids, hashes and keys are
// printed: printable ASCII as is, every other byte and the backslash as \xNN,
// so the text is valid UTF-8 (and JSON) and maps back to the bytes
// (parse_printable). Messages cut it after kShownInMessages bytes, marking
// the cut with "..."; tools print it whole (kWhole).
inline constexpr std::size_t kShownInMessages = 64;
inline constexpr std::size_t kWhole = static_cast<std::size_t>(-1);
std::string printable(std::string_view bytes, std::size_t shown = kShownInMessages);
// The bytes a printable() text stands for; nullopt when a backslash does not
// start \xNN (a backslash itself is written \x5c).
std::optional<std::string> parse_printable(std::string_view text);

}  // namespace sds::core::keys
