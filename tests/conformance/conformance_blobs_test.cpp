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
  if (GetParam().capabilities.compression) {
    EXPECT_LT(store->stats().blob_stored_bytes, 10000u);
  } else {
    EXPECT_EQ(store->stats().blob_stored_bytes, compressible.size());  // stored as given
  }
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
  if (GetParam().capabilities.compression) {
    EXPECT_LT(store->stats().snapshot_stored_bytes, 1000u);
  } else {
    EXPECT_EQ(store->stats().snapshot_stored_bytes, compressible.size());
  }
}

// compression=zstd and a level apply where the layout compresses; a layout
// that stores records as given refuses them (compression=none is what it
// does anyway).
TEST_P(Conformance, CompressionParametersFollowTheDeclaredCapability) {
  for (const char* query : {"compression=zstd", "level=3"}) {
    if (GetParam().capabilities.compression) {
      EXPECT_NO_THROW(sds::open_database(uri_with(query))) << query;
      continue;
    }
    const std::string message =
        expect_error(Errc::invalid_argument, [&] { sds::open_database(uri_with(query)); });
    EXPECT_NE(message.find("uncompressed"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace sds::test
