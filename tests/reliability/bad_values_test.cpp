// Values at and beyond their limits (docs/DESIGN.md section 5), on every
// scheme: empty ones through every writing call, 64 MiB ones (beyond LMDB's
// default initial map, so the map must grow), and values over 512 MiB in a
// WriteBatch, refused when added.
#include <sys/mman.h>

#include <cstring>
#include <random>

#include "tests/reliability/bad_input.hpp"

namespace sds::test {
namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;

// Bytes that do not compress.
Bytes noise(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  Bytes out(size);
  for (std::size_t i = 0; i + 8 <= size; i += 8) {
    const std::uint64_t word = random();
    std::memcpy(out.data() + i, &word, 8);
  }
  return out;
}

TEST_P(BadInput, EmptyValuesThroughEveryWritingCall) {
  const Bytes empty;
  {
    auto store = open_store();
    tried("values", 6);
    store->checkpoint(empty, 1);
    store->append_patch(empty, 2);
    WriteBatch batch;
    batch.append_patch(empty, 3);
    batch.save_value("batch", empty);
    batch.save_snapshot(empty, 2);
    store->write(batch);
    store->save_value("call", empty);
    EXPECT_TRUE(store->retain_value("call"));
  }
  auto store = open_store();
  ASSERT_TRUE(store->load_snapshot().has_value());
  EXPECT_TRUE(store->load_snapshot()->empty());
  EXPECT_EQ(store->load_patches_since(0), (std::vector<Bytes>{empty, empty}));
  EXPECT_EQ(store->load_value("batch"), empty);
  store->release_value("call");
  EXPECT_EQ(store->load_value("call"), empty);  // one reference left
  EXPECT_EQ(store->stats().blob_bytes, 0u);
}

TEST_P(BadInput, SixtyFourMiBValuesRoundTrip) {
  const Bytes patch = noise(64 * kMiB, 1);
  const Bytes snapshot = noise(64 * kMiB, 2);
  Bytes blob = noise(kMiB, 3);  // a pattern that compresses well
  while (blob.size() < 64 * kMiB) blob.insert(blob.end(), blob.begin(), blob.begin() + kMiB);
  {
    auto store = open_store();
    tried("values", 3);
    store->append_patch(patch, 1);
    store->save_snapshot(snapshot, 1);
    store->save_value("big", blob);
  }
  auto store = open_store();
  EXPECT_TRUE(store->load_patches_since(0) == std::vector<Bytes>{patch});
  EXPECT_TRUE(store->load_snapshot() == snapshot);
  EXPECT_TRUE(store->load_value("big") == blob);
  EXPECT_EQ(store->accumulated_bytes(), 0u);  // the patch is at the snapshot's clock
  EXPECT_EQ(store->stats().blob_bytes, blob.size());
}

TEST_P(BadInput, ValuesAndHashesOverTheLimitsAreRefusedWhenAddedToABatch) {
  const std::size_t size = kMaxValueBytes + 1;
  // A mapping that is never touched: the size is checked first.
  void* memory = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(memory, MAP_FAILED);
  const ByteView too_large(static_cast<const std::uint8_t*>(memory), size);
  const Bytes small = bytes("small");
  WriteBatch batch;
  batch.append_patch(small, 1);
  refused("values", Errc::invalid_argument, [&] { batch.append_patch(too_large, 2); });
  refused("values", Errc::invalid_argument, [&] { batch.save_snapshot(too_large, 2); });
  refused("values", Errc::invalid_argument, [&] { batch.checkpoint(too_large, 2); });
  refused("values", Errc::invalid_argument, [&] { batch.save_value("h", too_large); });
  const std::string long_hash(kMaxHashBytes + 1, 'h');
  refused("values", Errc::invalid_argument, [&] { batch.save_value(long_hash, small); });
  refused("values", Errc::invalid_argument, [&] { batch.release_value(long_hash); });
  refused("values", Errc::invalid_argument, [&] { batch.release_value(""); });
  munmap(memory, size);
  EXPECT_EQ(batch.size(), 1u);  // only what was accepted
  auto store = open_store();
  store->write(batch);
  EXPECT_EQ(texts(store->load_patches_since(0)), std::vector<std::string>{"small"});
}

}  // namespace
}  // namespace sds::test
