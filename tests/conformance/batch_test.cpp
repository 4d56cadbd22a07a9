// Store::write(WriteBatch): several writes in one transaction, all or none.
#include <string>

#include "conformance.hpp"

namespace sds::test {
namespace {

TEST_P(Conformance, BatchAppliesEveryWriteInOrder) {
  auto store = open_store();
  const Bytes one = bytes("one"), two = bytes("two"), blob = bytes("blob data");
  WriteBatch batch;
  batch.append_patch(one, 1);
  batch.append_patch(two, 2);
  batch.save_value("h", blob);
  batch.save_value("h", blob);
  store->write(batch);
  EXPECT_EQ(store->load_patches_since(0).size(), 2u);
  EXPECT_EQ(store->accumulated_bytes(), 6u);
  store->release_value("h");
  EXPECT_EQ(text(*store->load_value("h")), "blob data");  // two references were added
  store->release_value("h");
  EXPECT_FALSE(store->load_value("h").has_value());

  const Bytes snapshot = bytes("state at 2"), three = bytes("three");
  WriteBatch checkpoint;
  checkpoint.append_patch(three, 3);
  checkpoint.checkpoint(snapshot, 3);  // prunes 1 and 2, keeps 3
  store->write(checkpoint);
  EXPECT_EQ(store->snapshot_clock(), 3u);
  EXPECT_EQ(store->accumulated_bytes(), 0u);
  ASSERT_EQ(store->load_patches_since(2).size(), 1u);
  EXPECT_EQ(text(store->load_patches_since(2)[0]), "three");
}

TEST_P(Conformance, BatchWithAFailingWriteAppliesNone) {
  auto store = open_store();
  store->checkpoint(bytes("newer"), 10);
  const Bytes patch = bytes("patch"), stale = bytes("stale");
  WriteBatch batch;
  batch.append_patch(patch, 11);
  batch.save_value("h", patch);
  batch.checkpoint(stale, 5);  // older than the stored snapshot: refused
  batch.append_patch(patch, 12);
  expect_error(Errc::invalid_argument, [&] { store->write(batch); });
  EXPECT_TRUE(store->load_patches_since(0).empty());
  EXPECT_FALSE(store->load_value("h").has_value());
  EXPECT_EQ(text(*store->load_snapshot()), "newer");
  EXPECT_EQ(store->accumulated_bytes(), 0u);
  store->append_patch(patch, 11);  // the store's figures were not touched either
  EXPECT_EQ(store->accumulated_bytes(), 5u);
}

TEST_P(Conformance, BatchDuplicateClocksFirstWins) {
  auto store = open_store();
  store->append_patch(bytes("stored"), 1);
  const Bytes again = bytes("again"), first = bytes("first"), second = bytes("second!");
  WriteBatch batch;
  batch.append_patch(again, 1);
  batch.append_patch(first, 2);
  batch.append_patch(second, 2);
  store->write(batch);
  const auto patches = store->load_patches_since(0);
  ASSERT_EQ(patches.size(), 2u);
  EXPECT_EQ(text(patches[0]), "stored");
  EXPECT_EQ(text(patches[1]), "first");
  EXPECT_EQ(store->accumulated_bytes(), std::string("storedfirst").size());
}

TEST_P(Conformance, BatchChecksArgumentsWhenTheyAreAdded) {
  WriteBatch batch;
  expect_error(Errc::invalid_argument, [&] { batch.save_value("", bytes("x")); });
  expect_error(Errc::invalid_argument,
               [&] { batch.release_value(std::string(kMaxHashBytes + 1, 'h')); });
  const ByteView too_big(reinterpret_cast<const std::uint8_t*>(""), kMaxValueBytes + 1);
  expect_error(Errc::invalid_argument, [&] { batch.append_patch(too_big, 1); });
  EXPECT_TRUE(batch.empty());
  auto store = open_store();
  store->write(batch);  // an empty batch writes nothing
  EXPECT_TRUE(open_db()->stores().empty());
}

TEST_P(Conformance, BatchOnAReadOnlyOpenIsUnsupportedAndAfterCloseClosed) {
  open_store()->append_patch(bytes("p"), 1);
  const Bytes patch = bytes("q");
  WriteBatch batch;
  batch.append_patch(patch, 2);
  {
    auto reader = sds::open(uri_, "doc", {.read_only = true});
    expect_error(Errc::unsupported, [&] { reader->write(batch); });
  }
  auto store = open_store();
  store->close();
  expect_error(Errc::closed, [&] { store->write(batch); });
  EXPECT_EQ(open_store()->load_patches_since(0).size(), 1u);
}

}  // namespace
}  // namespace sds::test
