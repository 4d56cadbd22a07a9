#include "core/catalog.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "core/binary.hpp"
#include "core/errors.hpp"
#include "core/keys.hpp"
#include "core/record.hpp"
#include "sds/error.hpp"

namespace sds::core {
namespace {

// One catalog entry holds every id whose hash is its key (almost always one):
// repeated { number u64 LE, id length u32 LE, id bytes }.
using Bucket = std::vector<std::pair<std::string, std::uint64_t>>;

Bucket decode_bucket(std::string_view key, ByteView stored, std::string_view where) {
  const Record record = open_record(key, stored, where);
  PayloadReader reader(record.payload, "store id table entry", where);
  Bucket bucket;
  while (!reader.at_end()) {
    const std::uint64_t number = reader.u64();
    const std::uint32_t size = reader.u32();
    bucket.emplace_back(std::string(as_chars(reader.bytes(size))), number);
  }
  return bucket;
}

Bytes encode_bucket(std::string_view key, const Bucket& bucket) {
  Bytes payload;
  for (const auto& [id, number] : bucket) {
    append_u64_le(payload, number);
    append_u32_le(payload, static_cast<std::uint32_t>(id.size()));
    payload.insert(payload.end(), id.begin(), id.end());
  }
  return encode_raw(key, payload);
}

Bucket read_bucket(kv::ReadTransaction& txn, const std::string& key, std::string_view where) {
  const auto stored = txn.get(key);
  return stored ? decode_bucket(key, *stored, where) : Bucket{};
}

[[noreturn]] void damaged_counter(std::string_view where, const std::string& why) {
  throw Error(Errc::corruption, "the store counter " + std::string(where) + " is damaged: " + why,
              kDamagedAdvice);
}

// Whether any record lies in the range of store `number`.
bool has_records(kv::ReadTransaction& txn, std::uint64_t number) {
  bool found = false;
  txn.scan(keys::store_begin(number), keys::store_end(number), [&](std::string_view, ByteView) {
    found = true;
    return false;
  });
  return found;
}

// The counter is trusted only as far as it is checked: a number is handed out
// once (never 0, never 2^64-1, after which it would wrap) and only while no
// record lies under it, so a damaged counter cannot make two stores share
// records.
std::uint64_t next_number(kv::WriteTransaction& txn, std::string_view where) {
  const std::string key = keys::next_store();
  std::uint64_t number = 1;
  if (const auto stored = txn.get(key)) {
    PayloadReader reader(open_record(key, *stored, where).payload, "store counter", where);
    number = reader.u64();
  }
  if (number == 0) damaged_counter(where, "it holds 0, and store numbers start at 1");
  if (number == std::numeric_limits<std::uint64_t>::max()) {
    damaged_counter(where, "it holds 2^64-1, the end of the store numbers");
  }
  if (has_records(txn, number)) {
    damaged_counter(where, "it holds " + std::to_string(number) + ", and store #" +
                               std::to_string(number) + " has records already");
  }
  Bytes payload;
  append_u64_le(payload, number + 1);
  txn.put(key, encode_raw(key, payload));
  return number;
}

}  // namespace

void check_store_id(std::string_view store_id, std::string_view where) {
  if (store_id.empty() || store_id.size() > kMaxStoreIdBytes) {
    throw Error(Errc::invalid_argument,
                "store id of " + std::to_string(store_id.size()) + " bytes " + std::string(where),
                "a store id is 1 to " + std::to_string(kMaxStoreIdBytes) + " bytes");
  }
}

std::optional<std::uint64_t> find_store(kv::ReadTransaction& txn, std::string_view store_id,
                                        std::string_view where) {
  const std::string key = keys::intern(store_id);
  for (const auto& [id, number] : read_bucket(txn, key, where)) {
    if (id == store_id) return number;
  }
  return std::nullopt;
}

std::uint64_t intern_store(kv::WriteTransaction& txn, std::string_view store_id,
                           std::string_view where) {
  const std::string key = keys::intern(store_id);
  Bucket bucket = read_bucket(txn, key, where);
  for (const auto& [id, number] : bucket) {
    if (id == store_id) return number;
  }
  const std::uint64_t number = next_number(txn, where);
  bucket.emplace_back(std::string(store_id), number);
  txn.put(key, encode_bucket(key, bucket));
  return number;
}

std::uint64_t allocate_store_number(kv::WriteTransaction& txn, std::string_view where) {
  return next_number(txn, where);
}

std::optional<std::uint64_t> bind_store(kv::WriteTransaction& txn, std::string_view store_id,
                                        std::uint64_t number, std::string_view where) {
  const std::string key = keys::intern(store_id);
  Bucket bucket = read_bucket(txn, key, where);
  std::optional<std::uint64_t> before;
  for (auto& [id, bound] : bucket) {
    if (id == store_id) before = std::exchange(bound, number);
  }
  if (!before) bucket.emplace_back(std::string(store_id), number);
  txn.put(key, encode_bucket(key, bucket));
  return before;
}

bool forget_store(kv::WriteTransaction& txn, std::string_view store_id, std::string_view where) {
  const std::string key = keys::intern(store_id);
  Bucket bucket = read_bucket(txn, key, where);
  const auto removed =
      std::erase_if(bucket, [&](const auto& entry) { return entry.first == store_id; });
  if (removed == 0) return false;
  if (bucket.empty()) {
    txn.erase(key);
  } else {
    txn.put(key, encode_bucket(key, bucket));
  }
  return true;
}

std::vector<std::pair<std::string, std::uint64_t>> list_stores(kv::ReadTransaction& txn,
                                                               std::string_view where) {
  Bucket all;
  txn.scan(keys::intern_begin(), keys::intern_end(), [&](std::string_view key, ByteView value) {
    Bucket bucket = decode_bucket(key, value, where);
    all.insert(all.end(), bucket.begin(), bucket.end());
    return true;
  });
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace sds::core
