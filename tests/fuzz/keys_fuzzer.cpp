// The key codec (core/keys.*, docs/FORMAT.md "Keys"): every key decodes back
// to what made it, and keys sort as what they encode (store, then record,
// then clock; hashes bytewise), so that one range covers one store and a
// patch scan comes in clock order. Decoders and describe() take any bytes.
#include <compare>
#include <tuple>

#include "core/keys.hpp"
#include "sds/error.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

namespace keys = sds::core::keys;
using sds::fuzz::check;

// A store number or clock: small, near a power of two, or any.
std::uint64_t number(sds::fuzz::FuzzInput& input) {
  const std::uint8_t how = input.byte();
  const std::uint64_t any = input.u64();
  switch (how % 4) {
    case 0:
      return any % 4;
    case 1:
      return (std::uint64_t{1} << (any % 64)) + (any >> 62) - 2;  // 2^n-2 .. 2^n+1
    default:
      return any;
  }
}

bool in_range(const std::string& key, const std::string& from, const std::string& to) {
  return from <= key && key < to;
}

std::strong_ordering order_of(std::string_view a, std::string_view b) {
  const int c = a.compare(b);
  return c < 0   ? std::strong_ordering::less
         : c > 0 ? std::strong_ordering::greater
                 : std::strong_ordering::equal;
}

void check_store_records(std::uint64_t store, sds::Clock clock) {
  const std::string patch = keys::patch(store, clock);
  check(keys::patch_clock(patch, "in fuzz") == clock, "patch_clock does not invert patch");
  const auto parsed = keys::parse_store_key(patch);
  check(parsed && parsed->store == store, "parse_store_key loses the store number");
  const auto name = keys::parse_store_suffix(parsed->suffix);
  check(name && name->kind == keys::StoreRecordKind::patch && name->clock == clock,
        "parse_store_suffix loses the patch clock");
  check(keys::store_suffix(*name) == parsed->suffix, "store_suffix does not invert parsing");
  check(keys::store_record(store, parsed->suffix) == patch, "store_record does not rebuild");
  const std::string begin = keys::store_begin(store);
  const std::string end = keys::store_end(store);
  for (const std::string& key : {patch, keys::meta(store), keys::snapshot(store)}) {
    check(in_range(key, begin, end), "a store record lies outside its store's range");
    check(in_range(key, keys::stores_begin(), keys::stores_end()), "outside the store range");
    check(keys::may_be_compressed(key) == (key == keys::snapshot(store)),
          "may_be_compressed is wrong for a store record");
  }
  check(in_range(patch, keys::patch(store, 0), keys::patches_end(store)),
        "a patch lies outside its store's patch range");
  check(!in_range(keys::meta(store), keys::patch(store, 0), keys::patches_end(store)) &&
            !in_range(keys::snapshot(store), keys::patch(store, 0), keys::patches_end(store)),
        "a snapshot record lies in the patch range");
}

void check_hash(const std::string& hash) {
  for (const std::string& key : {keys::blob(hash), keys::refs(hash)}) {
    check(keys::blob_hash(key) == hash, "blob_hash does not invert blob/refs");
  }
  check(in_range(keys::blob(hash), keys::blobs_begin(), keys::blobs_end()), "blob out of range");
  check(in_range(keys::refs(hash), keys::refs_begin(), keys::refs_end()), "refs out of range");
  check(keys::may_be_compressed(keys::blob(hash)) && !keys::may_be_compressed(keys::refs(hash)),
        "may_be_compressed is wrong for blob records");
  const std::string staged = keys::staging_blob(hash);
  check(keys::staged_blob_hash(staged) == hash, "staged_blob_hash does not invert");
  check(in_range(staged, keys::staging_blobs_begin(), keys::staging_blobs_end()),
        "staged blob out of range");
}

// Any bytes: the decoders answer or refuse, describe() and printable() give
// printable text, and parse_printable() inverts printable().
void check_any_key(const std::string& key) {
  const std::string shown = keys::printable(key, keys::kWhole);
  check(keys::parse_printable(shown) == key, "parse_printable does not invert printable");
  for (const std::string& text : {shown, keys::describe(key), keys::printable(key)}) {
    for (const char c : text) {
      check(c >= 0x20 && c < 0x7f, "unprintable byte in a key's readable form");
    }
  }
  if (const auto parsed = keys::parse_store_key(key)) {
    if (const auto name = keys::parse_store_suffix(parsed->suffix)) {
      check(keys::store_suffix(*name) == parsed->suffix,
            "parse_store_suffix accepts a suffix that no key has");
      check(keys::store_record(parsed->store, parsed->suffix) == key, "store_record mismatch");
    }
  }
  try {
    const sds::Clock clock = keys::patch_clock(key, "in fuzz");
    const auto parsed = keys::parse_store_key(key);
    check(parsed && keys::patch(parsed->store, clock) == key,
          "patch_clock accepts a key that patch() does not make");
  } catch (const sds::Error& error) {
    check(error.code() == sds::Errc::corruption, "patch_clock threw another code");
  }
  if (keys::is_staged_store(key)) {
    check(key.starts_with(keys::staging_stores_begin()) && key.size() == 10,
          "is_staged_store accepts a key staging_store() does not make");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sds::fuzz::FuzzInput input(data, size);
  const std::uint64_t store_a = number(input), store_b = number(input);
  const sds::Clock clock_a = number(input), clock_b = number(input);
  check_store_records(store_a, clock_a);
  check_store_records(store_b, clock_b);
  // Order: patch keys sort as (store, clock), and all of one store's records
  // sort before the next store's.
  check(order_of(keys::patch(store_a, clock_a), keys::patch(store_b, clock_b)) ==
            std::tie(store_a, clock_a) <=> std::tie(store_b, clock_b),
        "patch keys do not sort as (store, clock)");
  check(order_of(keys::snapshot(store_a), keys::patch(store_b, clock_b)) ==
            (store_a == store_b ? std::strong_ordering::greater : store_a <=> store_b),
        "snapshot and patch keys of two stores sort wrongly");
  check(order_of(keys::staging_store(store_a), keys::staging_store(store_b)) == store_a <=> store_b,
        "staged store keys do not sort by sequence");
  check(keys::is_staged_store(keys::staging_store(store_a)), "is_staged_store refuses its key");
  const std::string hash_a = input.text(255), hash_b = input.text(255);
  check_hash(hash_a);
  check_hash(hash_b);
  check(order_of(keys::blob(hash_a), keys::blob(hash_b)) == order_of(hash_a, hash_b),
        "blob keys do not sort as their hashes");
  check(keys::intern(hash_a).size() == 9 &&
            in_range(keys::intern(hash_a), keys::intern_begin(), keys::intern_end()),
        "an id table key is not 'I' and 8 bytes");
  check_any_key(std::string(sds::as_chars(input.rest())));
  return 0;
}
