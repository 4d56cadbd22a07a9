// Records forged or damaged as an attacker would, on every built-in scheme:
// each is refused with Errc::corruption (or a clear error) before a read
// allocates more than the database holds, and none makes two stores share
// records, wraps a count or a total, or deletes a blob still in use.
#include <cstring>
#include <limits>
#include <random>

#include "core/binary.hpp"
#include "core/keys.hpp"
#include "core/maintenance/verify.hpp"
#include "core/open_shared_backend.hpp"
#include "core/payloads.hpp"
#include "core/record.hpp"
#include "tests/conformance/conformance.hpp"
#include "tests/raw_kv.hpp"
#include "tests/reliability/allocation_probe.hpp"

namespace sds::test {

// Every scheme this build has.
std::vector<std::string> conformance_schemes() { return {}; }

namespace {

class ForgedRecords : public Conformance {};

constexpr std::uint64_t kFirstStore = 1;
constexpr std::uint64_t kMiB = 1 << 20;
// More than any single allocation of a read that refuses a forged record may
// make: RocksDB's own buffers (an 8 MiB memtable arena block) stay below it.
constexpr std::size_t kAllocationBound = 32 * kMiB;

// A zstd frame header declaring `content_size` (single segment, 8-byte size),
// followed by `rle_blocks` RLE blocks of 128 KiB that are not the last one:
// a truncated frame.
Bytes truncated_frame(std::uint64_t content_size, int rle_blocks) {
  Bytes frame = {0x28, 0xb5, 0x2f, 0xfd, 0xe0};
  core::append_u64_le(frame, content_size);
  for (int i = 0; i < rle_blocks; ++i) {
    const std::uint32_t header = (128u << 10) << 3 | 1u << 1;  // RLE, not last
    frame.insert(frame.end(),
                 {static_cast<std::uint8_t>(header), static_cast<std::uint8_t>(header >> 8),
                  static_cast<std::uint8_t>(header >> 16), 0});
  }
  return frame;
}

// A whole frame that declares `content_size` but holds one raw byte.
Bytes lying_frame(std::uint64_t content_size) {
  Bytes frame = truncated_frame(content_size, 0);
  frame.insert(frame.end(), {1u << 3 | 1u, 0, 0, 'x'});  // raw, last, 1 byte
  return frame;
}

Bytes random_bytes(std::size_t size) {
  std::mt19937_64 random(size);
  Bytes out(size);
  for (auto& byte : out) byte = static_cast<std::uint8_t>(random());
  return out;
}

TEST_P(ForgedRecords, ACompressedPatchIsCorruptionAndAllocatesNothingLarge) {
  open_store()->append_patch(bytes("real"), 1);
  // Valid zstd frames of 64 MiB each, a few hundred bytes stored: read as
  // zstd, four of them would materialise 256 MiB from a file of kilobytes.
  const core::Encoded zeros = core::compress(Bytes(64 * kMiB, 0), {});
  ASSERT_EQ(zeros.codec, core::Codec::zstd);
  for (Clock clock = 2; clock <= 5; ++clock) {
    forge_record(uri_, core::keys::patch(kFirstStore, clock), core::Codec::zstd, zeros.raw_size,
                 zeros.payload);
  }
  auto store = open_store();
  const AllocationProbe probe;
  const std::string message = expect_error(Errc::corruption, [&] { store->load_patches_since(0); });
  EXPECT_NE(message.find("patch at clock 2"), std::string::npos) << message;
  expect_error(Errc::corruption,
               [&] { store->visit_patches_since(0, [](Clock, ByteView) { return true; }); });
  EXPECT_LT(probe.largest(), kAllocationBound);
  // sdsctl verify reads through the same decoding and reports each one.
  core::OpenedBackend opened = core::open_shared_backend(uri_, {.read_only = true});
  const auto report =
      core::maintenance::verify_database(*opened.shared, [](std::uint64_t, std::uint64_t) {});
  EXPECT_GE(report.problems, 1u);
  EXPECT_LT(probe.largest(), kAllocationBound);
}

TEST_P(ForgedRecords, AZstdFrameIsCheckedBeforeAnythingIsAllocated) {
  open_store()->save_value("h", bytes("blob"));
  open_store()->save_snapshot(bytes("snapshot"), 1);
  const Bytes truncated = truncated_frame(kMaxValueBytes, 46);  // 197 bytes
  const Bytes lying = lying_frame(kMaxValueBytes);
  Bytes trailing = core::compress(Bytes(1000, 'a'), {}).storage;
  trailing.push_back(0);
  const std::vector<std::pair<std::string, Bytes>> frames = {
      {"truncated", truncated}, {"lying", lying}, {"followed by data", trailing}};
  for (const auto& [name, frame] : frames) {
    SCOPED_TRACE(name);
    const std::uint64_t declared = name == "followed by data" ? 1000 : kMaxValueBytes;
    forge_record(uri_, core::keys::blob("h"), core::Codec::zstd, declared, frame);
    forge_record(uri_, core::keys::snapshot(kFirstStore), core::Codec::zstd, declared, frame);
    auto store = open_store();
    const AllocationProbe probe;
    expect_error(Errc::corruption, [&] { store->load_value("h"); });
    expect_error(Errc::corruption, [&] { store->load_snapshot(); });
    EXPECT_LT(probe.largest(), kAllocationBound);
  }
}

TEST_P(ForgedRecords, ALargeValidFrameStillDecodes) {
  // What the frame checks must let through: 64 MiB of zeros is a small frame
  // of many blocks, each able to hold its share.
  const Bytes zeros(64 * kMiB, 0);
  open_store()->save_value("zeros", zeros);
  EXPECT_EQ(open_store()->load_value("zeros"), zeros);
}

TEST_P(ForgedRecords, AForgedStoreCounterNeverSharesAStore) {
  open_store("a")->save_snapshot(bytes("A"), 1);
  const std::string counter = core::keys::next_store();
  Bytes one;
  core::append_u64_le(one, kFirstStore);
  with_raw_kv(uri_,
              [&](kv::WriteTransaction& txn) { txn.put(counter, core::encode_raw(counter, one)); });
  auto b = open_store("b");
  const std::string message =
      expect_error(Errc::corruption, [&] { b->save_snapshot(bytes("B"), 2); });
  EXPECT_NE(message.find("store counter"), std::string::npos) << message;
  EXPECT_EQ(text(*open_store("a")->load_snapshot()), "A");
  EXPECT_EQ(open_db()->stores(), std::vector<std::string>{"a"});
}

TEST_P(ForgedRecords, TheStoreCounterNeverWraps) {
  const std::string counter = core::keys::next_store();
  auto set_counter = [&](std::uint64_t next) {
    Bytes payload;
    core::append_u64_le(payload, next);
    with_raw_kv(uri_, [&](kv::WriteTransaction& txn) {
      txn.put(counter, core::encode_raw(counter, payload));
    });
  };
  open_db()->close();  // the format record
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  set_counter(kMax - 1);
  {
    auto db = open_db();
    db->store("last")->append_patch(bytes("p"), 1);  // gets 2^64-2
    const std::string message =
        expect_error(Errc::corruption, [&] { db->store("beyond")->append_patch(bytes("p"), 1); });
    EXPECT_NE(message.find("2^64-1"), std::string::npos) << message;
    db->drop_store("last");
  }
  for (const std::string& key : all_keys(uri_)) {
    EXPECT_TRUE(key == core::keys::format() || key == counter) << core::keys::describe(key);
  }
  set_counter(0);
  expect_error(Errc::corruption, [&] { open_store("zero")->append_patch(bytes("p"), 1); });
}

TEST_P(ForgedRecords, AReferenceCountAtItsMaximumRefusesAnotherReference) {
  open_store()->save_value("h", bytes("blob"));
  const std::string refs = core::keys::refs("h");
  with_raw_kv(uri_, [&](kv::WriteTransaction& txn) {
    txn.put(refs, core::encode_ref_count(refs, std::numeric_limits<std::int64_t>::max()));
  });
  auto store = open_store();
  const std::string message = expect_error(Errc::full, [&] { store->retain_value("h"); });
  EXPECT_NE(message.find("blob 'h'"), std::string::npos) << message;
  expect_error(Errc::full, [&] { store->save_value("h", bytes("blob")); });
  // Nothing wrapped: a release takes one reference, and the blob stays.
  store->release_value("h");
  EXPECT_EQ(text(*store->load_value("h")), "blob");
}

TEST_P(ForgedRecords, TotalsOfForgedSizesSaturate) {
  open_store()->append_patch(bytes("p"), 1);
  open_store()->save_value("a", bytes("blob"));
  // Headers declaring 2^63 bytes each (counting reads no checksum).
  Bytes huge(core::kRecordHeaderSize + 1, 0);
  huge[8] = 0x80;  // raw size 2^63, little-endian
  with_raw_kv(uri_, [&](kv::WriteTransaction& txn) {
    for (Clock clock : {2, 3}) txn.put(core::keys::patch(kFirstStore, clock), huge);
    for (const char* hash : {"b", "c"}) {
      txn.put(core::keys::blob(hash), huge);
      txn.put(core::keys::refs(hash), core::encode_ref_count(core::keys::refs(hash), 1));
    }
  });
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  auto store = open_store();
  EXPECT_EQ(store->accumulated_bytes(), kMax);
  const StoreStats stats = store->stats();
  EXPECT_EQ(stats.patch_bytes, kMax);
  EXPECT_EQ(stats.blob_bytes, kMax);
  EXPECT_EQ(open_db()->stats().blob_bytes, kMax);
}

TEST_P(ForgedRecords, DamageDeepInALargePayloadIsCaughtByTheChecksum) {
  // Random bytes do not compress: these records are raw, their sizes right,
  // so only a checksum over the whole payload can see the flipped byte.
  {
    auto store = open_store();
    store->save_snapshot(random_bytes(kMiB), 1);
    store->append_patch(random_bytes(256 << 10), 2);
    store->save_value("h", random_bytes(kMiB));
    store->save_value("z", Bytes(kMiB, 'z'));  // compressed
  }
  const std::vector<std::pair<std::string, std::size_t>> damage = {
      {core::keys::snapshot(kFirstStore), 900'000},
      {core::keys::patch(kFirstStore, 2), 200'000},
      {core::keys::blob("h"), 700'000},
      {core::keys::blob("z"), 0},  // the last byte of the compressed payload
  };
  for (const auto& [key, offset] : damage) {
    rewrite(uri_, key, [offset = offset](Bytes& value) {
      const std::size_t at = offset == 0 ? value.size() - 1 : core::kRecordHeaderSize + offset;
      ASSERT_LT(at, value.size());
      value[at] ^= 0x01;
    });
  }
  auto store = open_store();
  for (const auto& read : std::vector<std::function<void()>>{
           [&] { store->load_snapshot(); }, [&] { store->load_patches_since(1); },
           [&] { store->load_value("h"); }, [&] { store->load_value("z"); }}) {
    const std::string message = expect_error(Errc::corruption, read);
    EXPECT_NE(message.find("checksum mismatch"), std::string::npos) << message;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ForgedRecords, ::testing::ValuesIn(kv_backends_under_test()),
                         backend_name);

}  // namespace
}  // namespace sds::test
