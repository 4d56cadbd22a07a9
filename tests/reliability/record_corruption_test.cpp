// Corruption of single records (docs/DESIGN.md section 7.1): every bit of
// each record's header flipped, payload bits flipped (every one of small
// records, a sample of large ones, bytes deep in a 256 KiB payload included),
// and every truncation, for each kind of record the core stores. Each damaged
// record is read through the public API, in a fresh open, and must be refused
// with Errc::corruption: no other error, no value returned, no crash.
//
// Records are the core's, the same on every backend: the suite runs on the
// memory backend, where ten thousands of cases take seconds.
#include <cstdio>
#include <random>

#include "core/keys.hpp"
#include "core/record.hpp"
#include "tests/conformance/test_support.hpp"
#include "tests/raw_kv.hpp"

namespace sds::test {
namespace {

// Payloads up to this size have every bit flipped and every truncation
// tried; larger ones a sample, spread over the whole payload.
constexpr std::size_t kEveryBitUpTo = 512;
constexpr std::size_t kEveryTruncationUpTo = 64 << 10;
constexpr std::size_t kSampledBits = 800;
constexpr std::size_t kSampledTruncations = 300;

Bytes random_bytes(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  Bytes out(size);
  for (auto& byte : out) byte = static_cast<std::uint8_t>(random());
  return out;
}

Bytes compressible(std::size_t size) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>("snapshot "[i % 9]);
  return out;
}

Bytes clock_bytes(std::optional<Clock> clock) {
  return clock ? bytes(std::to_string(*clock)) : Bytes{};
}

// A record to damage: its key, and the read that must refuse it. The read
// returns what it read (a value, a clock), compared with `expected` when it
// does not throw; an empty `expected` means the read returns nothing to
// compare (a write), and not throwing is then the violation.
struct Target {
  std::string kind;
  std::string key;
  std::function<Bytes(const std::string& uri)> read;
  Bytes expected;
};

struct Counts {
  std::uint64_t cases = 0;
  std::uint64_t header_bits = 0;
  std::uint64_t payload_bits = 0;
  std::uint64_t truncations = 0;
  std::uint64_t detected = 0;
  std::uint64_t wrong_values = 0;
  std::uint64_t undetected = 0;
  std::uint64_t other_errors = 0;
  std::map<std::string, std::uint64_t> per_kind;
};

class RecordCorruption : public ::testing::Test {
 protected:
  RecordCorruption() {
    auto database = open_database(uri_);
    auto doc = database->store("doc");
    doc->save_snapshot(raw_snapshot_, 5);
    doc->append_patch(small_patch_, 6);
    doc->append_patch(large_patch_, 7);
    auto packed = database->store("packed");
    packed->save_snapshot(packed_snapshot_, 3);
    doc->save_value("raw", raw_blob_);
    doc->save_value("zstd", packed_blob_);
    doc->save_value("large", large_blob_);
  }

  // Damages `target`'s record with each change, reads it, puts it back.
  void damage(const Target& target) {
    SCOPED_TRACE(target.kind);
    // The read passes on the record as it is (before the record is taken:
    // a write changes it).
    EXPECT_EQ(target.read(uri_), target.expected);
    Bytes original;
    with_raw_kv(uri_, [&](kv::WriteTransaction& txn) {
      const auto stored = txn.get(target.key);
      ASSERT_TRUE(stored.has_value()) << core::keys::describe(target.key);
      original.assign(stored->begin(), stored->end());
    });
    ASSERT_GT(original.size(), core::kRecordHeaderSize);

    const std::size_t payload = original.size() - core::kRecordHeaderSize;
    for (std::size_t bit = 0; bit < core::kRecordHeaderSize * 8; ++bit) {
      try_case(target, original, flipped(original, bit), counts_.header_bits);
    }
    for (std::size_t bit : sample(payload * 8, kEveryBitUpTo * 8, kSampledBits)) {
      try_case(target, original, flipped(original, core::kRecordHeaderSize * 8 + bit),
               counts_.payload_bits);
    }
    for (std::size_t length : sample(original.size(), kEveryTruncationUpTo, kSampledTruncations)) {
      try_case(target, original, Bytes(original.begin(), original.begin() + length),
               counts_.truncations);
    }
    put(target.key, original);
    EXPECT_EQ(target.read(uri_), target.expected);
  }

  // 0 .. n-1, all of them up to `every_up_to`, else `samples` of them spread
  // evenly, the last one included (the deepest byte of a payload).
  static std::vector<std::size_t> sample(std::size_t n, std::size_t every_up_to,
                                         std::size_t samples) {
    std::vector<std::size_t> out;
    if (n <= every_up_to) {
      for (std::size_t i = 0; i < n; ++i) out.push_back(i);
      return out;
    }
    for (std::size_t i = 0; i < samples; ++i) out.push_back(i * (n - 1) / (samples - 1));
    return out;
  }

  static Bytes flipped(const Bytes& original, std::size_t bit) {
    Bytes out = original;
    out[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    return out;
  }

  void put(const std::string& key, const Bytes& value) {
    with_raw_kv(uri_, [&](kv::WriteTransaction& txn) { txn.put(key, value); });
  }

  void try_case(const Target& target, const Bytes& original, const Bytes& damaged,
                std::uint64_t& kind_count) {
    put(target.key, damaged);
    ++counts_.cases;
    ++kind_count;
    ++counts_.per_kind[target.kind];
    try {
      const Bytes read = target.read(uri_);
      if (!target.expected.empty() && read != target.expected) {
        ++counts_.wrong_values;
        ADD_FAILURE() << target.kind << ": a damaged record read as another value";
      } else {
        ++counts_.undetected;
        ADD_FAILURE() << target.kind << ": damage of " << damaged.size() << " of "
                      << original.size() << " bytes went unnoticed";
      }
    } catch (const Error& error) {
      if (error.code() == Errc::corruption) {
        ++counts_.detected;
      } else {
        ++counts_.other_errors;
        ADD_FAILURE() << target.kind << ": " << to_string(error.code()) << ": " << error.what();
      }
    }
    put(target.key, original);
  }

  std::string uri_ = "memory:record-corruption";
  const Bytes raw_snapshot_ = random_bytes(3000, 1);
  const Bytes packed_snapshot_ = compressible(30000);
  const Bytes small_patch_ = bytes("a patch of some forty bytes, raw always");
  const Bytes large_patch_ = random_bytes(128 << 10, 2);
  const Bytes raw_blob_ = random_bytes(2000, 3);
  const Bytes packed_blob_ = compressible(20000);
  const Bytes large_blob_ = random_bytes(256 << 10, 4);
  Counts counts_;
};

TEST_F(RecordCorruption, EveryDamagedRecordIsRefusedAsCorruption) {
  const auto snapshot_of = [](const char* id) {
    return [id](const std::string& uri) { return *open(uri, id)->load_snapshot(); };
  };
  const auto patch_at = [](Clock clock) {
    return [clock](const std::string& uri) {
      const std::vector<Bytes> patches = open(uri, "doc")->load_patches_since(clock - 1);
      return patches.empty() ? Bytes{} : patches.front();
    };
  };
  const auto blob = [](const char* hash) {
    return [hash](const std::string& uri) { return *open(uri, "doc")->load_value(hash); };
  };
  const std::vector<Target> targets = {
      {"format",
       core::keys::format(),
       [](const std::string& uri) {
         open_database(uri)->stores();
         return Bytes{};
       },
       {}},
      {"store_counter",
       core::keys::next_store(),
       [](const std::string& uri) {
         // A new store each time: the counter is read when one is created.
         static int stores = 0;
         open(uri, "another-" + std::to_string(stores++))->append_patch(bytes("p"), 1);
         return Bytes{};
       },
       {}},
      {"store_table", core::keys::intern("doc"), snapshot_of("doc"), raw_snapshot_},
      {"snapshot_header", core::keys::meta(1),
       [](const std::string& uri) { return clock_bytes(open(uri, "doc")->snapshot_clock()); },
       clock_bytes(5)},
      {"snapshot", core::keys::snapshot(1), snapshot_of("doc"), raw_snapshot_},
      {"snapshot_zstd", core::keys::snapshot(2), snapshot_of("packed"), packed_snapshot_},
      {"patch", core::keys::patch(1, 6), patch_at(6), small_patch_},
      {"patch_large", core::keys::patch(1, 7), patch_at(7), large_patch_},
      {"blob", core::keys::blob("raw"), blob("raw"), raw_blob_},
      {"blob_zstd", core::keys::blob("zstd"), blob("zstd"), packed_blob_},
      {"blob_large", core::keys::blob("large"), blob("large"), large_blob_},
      {"ref_count",
       core::keys::refs("raw"),
       [](const std::string& uri) {
         open(uri, "doc")->retain_value("raw");
         return Bytes{};
       },
       {}},
  };
  // The setup made what each target names: the packed records are zstd.
  with_raw_kv(uri_, [&](kv::WriteTransaction& txn) {
    for (const std::string& key : {core::keys::snapshot(2), core::keys::blob("zstd")}) {
      EXPECT_EQ(txn.get(key)->front(), static_cast<std::uint8_t>(core::Codec::zstd));
    }
  });
  for (const Target& target : targets) damage(target);

  const std::uint64_t violations = counts_.wrong_values + counts_.undetected + counts_.other_errors;
  EXPECT_EQ(counts_.detected, counts_.cases);
  EXPECT_GE(counts_.cases, 10000u);
  std::string kinds;
  for (const auto& [kind, cases] : counts_.per_kind)
    kinds += " " + kind + "=" + std::to_string(cases);
  std::printf(
      "RELIABILITY record_corruption memory: cases=%llu header_bits=%llu payload_bits=%llu "
      "truncations=%llu detected=%llu wrong_values=%llu%s violations=%llu\n",
      static_cast<unsigned long long>(counts_.cases),
      static_cast<unsigned long long>(counts_.header_bits),
      static_cast<unsigned long long>(counts_.payload_bits),
      static_cast<unsigned long long>(counts_.truncations),
      static_cast<unsigned long long>(counts_.detected),
      static_cast<unsigned long long>(counts_.wrong_values), kinds.c_str(),
      static_cast<unsigned long long>(violations));
}

}  // namespace
}  // namespace sds::test
