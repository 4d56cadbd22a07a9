#include "core/keys.hpp"

#include <xxhash.h>

#include <limits>

#include "core/binary.hpp"
#include "core/errors.hpp"
#include "sds/error.hpp"

namespace sds::core::keys {
namespace {

std::string tagged(char tag) { return std::string(1, tag); }

std::string store_key(std::uint64_t store, char sub) {
  std::string key = tagged(kStoreTag);
  append_u64_be(key, store);
  key.push_back(sub);
  return key;
}

constexpr std::size_t kStorePrefix = 1 + 8;      // tag + number
constexpr std::size_t kPatchSuffixSize = 1 + 8;  // sub-tag + clock
constexpr std::size_t kPatchKeySize = kStorePrefix + kPatchSuffixSize;

}  // namespace

std::string format() { return tagged(kFormatTag); }
std::string next_store() { return tagged(kNextStoreTag); }

std::string intern(std::string_view store_id) {
  // Ids up to 4 KiB would not fit LMDB's 511-byte keys, so the key holds the
  // id's hash; the record lists every id with that hash and its number.
  std::string key = tagged(kInternTag);
  append_u64_be(key, XXH3_64bits(store_id.data(), store_id.size()));
  return key;
}
std::string intern_begin() { return tagged(kInternTag); }
std::string intern_end() { return tagged(kInternTag + 1); }

std::string store_begin(std::uint64_t store) {
  std::string key = tagged(kStoreTag);
  append_u64_be(key, store);
  return key;
}
std::string store_end(std::uint64_t store) {
  // The counter never hands out 2^64-1 (core/catalog.cpp), but a forged id
  // table entry may name it: its range then ends where the store tag does.
  if (store == std::numeric_limits<std::uint64_t>::max()) return stores_end();
  return store_begin(store + 1);
}
std::string meta(std::uint64_t store) { return store_key(store, kMetaSub); }
std::string snapshot(std::uint64_t store) { return store_key(store, kSnapshotSub); }
std::string patch(std::uint64_t store, Clock clock) {
  std::string key = store_key(store, kPatchSub);
  append_u64_be(key, clock);
  return key;
}
std::string patches_end(std::uint64_t store) { return store_key(store, kPatchSub + 1); }
Clock patch_clock(std::string_view key, std::string_view where) {
  if (key.size() != kPatchKeySize || key[0] != kStoreTag || key[kStorePrefix] != kPatchSub) {
    throw Error(Errc::corruption,
                "malformed patch key '" + printable(key) + "' " + std::string(where),
                kDamagedAdvice);
  }
  return read_u64_be(key.substr(kStorePrefix + 1));
}

bool may_be_compressed(std::string_view key) {
  if (key.empty()) return false;
  if (key[0] == kBlobTag) return true;
  const auto store_key = parse_store_key(key);
  return store_key && store_key->suffix == std::string_view(&kSnapshotSub, 1);
}

std::string stores_begin() { return tagged(kStoreTag); }
std::string stores_end() { return tagged(kStoreTag + 1); }

std::optional<StoreKey> parse_store_key(std::string_view key) {
  if (key.size() <= kStorePrefix || key[0] != kStoreTag) return std::nullopt;
  return StoreKey{read_u64_be(key.substr(1)), key.substr(kStorePrefix)};
}

std::string store_record(std::uint64_t store, std::string_view suffix) {
  return store_begin(store).append(suffix);
}

std::optional<StoreRecordName> parse_store_suffix(std::string_view suffix) {
  if (suffix == std::string_view(&kMetaSub, 1)) {
    return StoreRecordName{StoreRecordKind::snapshot_header, 0};
  }
  if (suffix == std::string_view(&kSnapshotSub, 1)) {
    return StoreRecordName{StoreRecordKind::snapshot, 0};
  }
  if (suffix.size() == kPatchSuffixSize && suffix[0] == kPatchSub) {
    return StoreRecordName{StoreRecordKind::patch, read_u64_be(suffix.substr(1))};
  }
  return std::nullopt;
}

std::string store_suffix(const StoreRecordName& name) {
  switch (name.kind) {
    case StoreRecordKind::snapshot_header:
      return tagged(kMetaSub);
    case StoreRecordKind::snapshot:
      return tagged(kSnapshotSub);
    case StoreRecordKind::patch:
      break;
  }
  std::string suffix = tagged(kPatchSub);
  append_u64_be(suffix, name.clock);
  return suffix;
}

std::string blob(std::string_view hash) { return tagged(kBlobTag).append(hash); }
std::string blobs_begin() { return tagged(kBlobTag); }
std::string blobs_end() { return tagged(kBlobTag + 1); }
std::string refs(std::string_view hash) { return tagged(kRefsTag).append(hash); }
std::string refs_begin() { return tagged(kRefsTag); }
std::string refs_end() { return tagged(kRefsTag + 1); }
std::string_view blob_hash(std::string_view key) { return key.substr(1); }

std::string staging_begin() { return tagged(kStagingTag); }
std::string staging_end() { return tagged(kStagingTag + 1); }
std::string staging_header() { return tagged(kStagingTag).append(1, kStagingHeaderSub); }
std::string staging_store(std::uint64_t sequence) {
  std::string key = staging_stores_begin();
  append_u64_be(key, sequence);
  return key;
}
std::string staging_stores_begin() { return tagged(kStagingTag).append(1, kStagingStoreSub); }
std::string staging_stores_end() { return tagged(kStagingTag).append(1, kStagingStoreSub + 1); }
std::string staging_blob(std::string_view hash) { return staging_blobs_begin().append(hash); }
std::string staging_blobs_begin() { return tagged(kStagingTag).append(1, kStagingBlobSub); }
std::string staging_blobs_end() { return tagged(kStagingTag).append(1, kStagingBlobSub + 1); }
std::string_view staged_blob_hash(std::string_view key) { return key.substr(2); }
bool is_staged_store(std::string_view key) {
  return key.size() == 2 + 8 && key.starts_with(staging_stores_begin());
}

std::vector<KeyRange> unknown_ranges() {
  // The tags of the layout in ascending order; a single-key tag owns only the
  // key of its one byte, anything longer under it is unknown.
  struct Tag {
    char tag;
    bool single_key;
  };
  static constexpr Tag kTags[] = {{kBlobTag, false},     {kFormatTag, true}, {kInternTag, false},
                                  {kNextStoreTag, true}, {kRefsTag, false},  {kStoreTag, false},
                                  {kStagingTag, false}};
  std::vector<KeyRange> out;
  std::string from;  // the end of the previous tag's range
  for (const Tag& known : kTags) {
    if (from < tagged(known.tag)) out.push_back({from, tagged(known.tag)});
    if (known.single_key) out.push_back({tagged(known.tag).append(1, '\0'), tagged(known.tag + 1)});
    from = tagged(known.tag + 1);
  }
  out.push_back({from, ""});
  return out;
}

std::string printable(std::string_view bytes, std::size_t shown) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < shown; ++i) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
      out.push_back(static_cast<char>(byte));
    } else {
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xf]);
    }
  }
  if (bytes.size() > shown) out += "...";
  return out;
}

std::optional<std::string> parse_printable(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
      continue;
    }
    if (text.size() - i < 4 || text[i + 1] != 'x' || hex(text[i + 2]) < 0 || hex(text[i + 3]) < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(hex(text[i + 2]) * 16 + hex(text[i + 3])));
    i += 3;
  }
  return out;
}

std::string describe(std::string_view key) {
  if (key.empty()) return "empty key";
  switch (key[0]) {
    case kFormatTag:
      return "format record";
    case kNextStoreTag:
      return "store counter";
    case kInternTag:
      return "store id table entry";
    case kBlobTag:
      return "blob '" + printable(blob_hash(key)) + "'";
    case kRefsTag:
      return "reference count of blob '" + printable(blob_hash(key)) + "'";
    case kStagingTag:
      if (key == staging_header()) return "staging header";
      if (is_staged_store(key)) {
        return "staged store #" + std::to_string(read_u64_be(key.substr(2)));
      }
      if (key.size() > 2 && key[1] == kStagingBlobSub) {
        return "staged blob '" + printable(staged_blob_hash(key)) + "'";
      }
      break;
    case kStoreTag:
      if (const auto parsed = parse_store_key(key)) {
        if (const auto name = parse_store_suffix(parsed->suffix)) {
          const std::string store = "store #" + std::to_string(parsed->store);
          switch (name->kind) {
            case StoreRecordKind::snapshot_header:
              return "snapshot header of " + store;
            case StoreRecordKind::snapshot:
              return "snapshot of " + store;
            case StoreRecordKind::patch:
              return "patch at clock " + std::to_string(name->clock) + " of " + store;
          }
        }
      }
  }
  return "unknown key '" + printable(key) + "'";
}

}  // namespace sds::core::keys
