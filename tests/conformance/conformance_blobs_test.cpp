// Blobs: keyed by hash, shared by every store of a database, ref-counted.
#include <random>

#include "conformance.hpp"

namespace sds::test {
namespace {

TEST_P(Conformance, UnknownBlobIsNullopt) {
  EXPECT_FALSE(open_store()->load_value("nope").has_value());
}

TEST_P(Conformance, BlobRoundTrip) {
  auto store = open_store();
  store->save_value("h1", bytes("hello"));
  EXPECT_EQ(text(*store->load_value("h1")), "hello");
}

TEST_P(Conformance, TwoSavesNeedTwoReleases) {
  auto store = open_store();
  store->save_value("h", bytes("data"));
  store->save_value("h", bytes("other data is ignored"));
  EXPECT_EQ(text(*store->load_value("h")), "data");
  store->release_value("h");
  EXPECT_EQ(text(*store->load_value("h")), "data");
  store->release_value("h");
  EXPECT_FALSE(store->load_value("h").has_value());
}

TEST_P(Conformance, ReleasingUnknownOrGoneBlobsIsANoOp) {
  auto store = open_store();
  EXPECT_NO_THROW(store->release_value("never"));
  store->save_value("h", bytes("x"));
  store->release_value("h");
  EXPECT_NO_THROW(store->release_value("h"));
  store->save_value("h", bytes("y"));  // a new life starts with count 1
  EXPECT_EQ(text(*store->load_value("h")), "y");
  store->release_value("h");
  EXPECT_FALSE(store->load_value("h").has_value());
}

TEST_P(Conformance, BlobsAreSharedAcrossStoresWithOneCount) {
  auto db = open_db();
  auto a = db->store("a");
  auto b = db->store("b");
  a->save_value("shared", bytes("payload"));
  EXPECT_EQ(text(*b->load_value("shared")), "payload");
  b->save_value("shared", bytes("payload"));
  a->release_value("shared");
  EXPECT_EQ(text(*b->load_value("shared")), "payload");
  b->release_value("shared");
  EXPECT_FALSE(a->load_value("shared").has_value());
  EXPECT_FALSE(b->load_value("shared").has_value());
}

TEST_P(Conformance, RetainAddsAReferenceWithoutData) {
  auto store = open_store();
  EXPECT_FALSE(store->retain_value("h"));
  EXPECT_FALSE(store->load_value("h").has_value());
  store->save_value("h", bytes("data"));
  EXPECT_TRUE(store->retain_value("h"));
  store->release_value("h");
  EXPECT_EQ(text(*store->load_value("h")), "data");
  store->release_value("h");
  EXPECT_FALSE(store->load_value("h").has_value());
}

TEST_P(Conformance, CompressionIsUsedOnlyWhereItPays) {
  auto store = open_store();
  const Bytes compressible(1 << 20, 'a');
  Bytes random(1 << 20);
  std::mt19937_64 generator(42);
  for (auto& byte : random) byte = static_cast<std::uint8_t>(generator());
  store->save_value("text", compressible);
  EXPECT_LT(store->stats().blob_stored_bytes, 10000u);
  store->release_value("text");
  store->save_value("random", random);
  const StoreStats stats = store->stats();
  EXPECT_EQ(stats.blob_bytes, random.size());
  EXPECT_LT(stats.blob_stored_bytes, random.size() + 64);  // raw plus a header
  EXPECT_EQ(store->load_value("random"), random);
}

TEST_P(Conformance, CompressionNoneStoresRawAndOldRecordsStayReadable) {
  const Bytes compressible(100000, 'q');
  open_store()->save_snapshot(compressible, 1);
  auto store = sds::open(uri_with("compression=none"), "doc");
  EXPECT_EQ(store->load_snapshot(), compressible);  // written compressed, read raw-configured
  store->save_value("raw", compressible);
  EXPECT_GE(store->stats().blob_stored_bytes, compressible.size());
  EXPECT_LT(store->stats().snapshot_stored_bytes, 1000u);
}

}  // namespace
}  // namespace sds::test
