// Checkpoint bookkeeping (docs/DESIGN.md section 6).
#include "conformance.hpp"

namespace sds::test {
namespace {

TEST_P(Conformance, DefaultThresholdIs512KiB) {
  auto store = open_store();
  EXPECT_EQ(store->stats().checkpoint_bytes, 512u * 1024);
  store->append_patch(Bytes(512 * 1024 - 1, 'p'), 1);
  EXPECT_FALSE(store->checkpoint_due());
  store->append_patch(Bytes(1, 'p'), 2);
  EXPECT_TRUE(store->checkpoint_due());
}

TEST_P(Conformance, DueFlipsExactlyAtTheThreshold) {
  auto store = sds::open(uri_with("checkpoint_bytes=1KiB"), "doc");
  EXPECT_EQ(store->accumulated_bytes(), 0u);
  store->append_patch(Bytes(1000, 'a'), 1);
  store->append_patch(Bytes(23, 'b'), 2);
  EXPECT_EQ(store->accumulated_bytes(), 1023u);
  EXPECT_FALSE(store->checkpoint_due());
  store->append_patch(Bytes(1, 'c'), 3);
  EXPECT_EQ(store->accumulated_bytes(), 1024u);
  EXPECT_TRUE(store->checkpoint_due());
}

TEST_P(Conformance, DuplicateAppendsDoNotCount) {
  auto store = open_store();
  store->append_patch(Bytes(10, 'a'), 1);
  store->append_patch(Bytes(50, 'b'), 1);
  EXPECT_EQ(store->accumulated_bytes(), 10u);
}

TEST_P(Conformance, CheckpointKeepsThePatchAtItsClock) {
  auto store = open_store();
  for (Clock clock = 1; clock <= 5; ++clock) store->append_patch(Bytes(clock, 'p'), clock);
  EXPECT_EQ(store->accumulated_bytes(), 15u);
  store->checkpoint(bytes("state at 3"), 3);
  const auto patches = store->load_patches_since(0);
  ASSERT_EQ(patches.size(), 3u);
  EXPECT_EQ(patches[0].size(), 3u);
  EXPECT_EQ(text(*store->load_snapshot()), "state at 3");
  EXPECT_EQ(store->accumulated_bytes(), 4u + 5u);  // only clocks above the snapshot's
}

TEST_P(Conformance, StaleCheckpointIsRefusedAndChangesNothing) {
  auto store = open_store();
  for (Clock clock = 1; clock <= 12; ++clock) store->append_patch(bytes("p"), clock);
  store->checkpoint(bytes("at 10"), 10);
  const std::string message =
      expect_error(Errc::invalid_argument, [&] { store->checkpoint(bytes("at 5"), 5); });
  EXPECT_NE(message.find("older than the stored snapshot"), std::string::npos) << message;
  EXPECT_EQ(text(*store->load_snapshot()), "at 10");
  EXPECT_EQ(store->load_patches_since(0).size(), 3u);  // 10, 11, 12
  store->checkpoint(bytes("again at 10"), 10);         // an equal clock is fine
  EXPECT_EQ(text(*store->load_snapshot()), "again at 10");
}

TEST_P(Conformance, ACheckpointThatFailsAfterWritingIsRolledBack) {
  auto store = open_store();
  store->save_snapshot(bytes("at 1"), 1);
  for (Clock clock = 1; clock <= 6; ++clock) store->append_patch(bytes("p"), clock);
  // One transaction: the first checkpoint erases patches and writes its
  // snapshot, then the stale second one throws. The backend must undo the
  // writes already made (the kv trait's rollback when `fn` throws).
  const Bytes at5 = bytes("at 5"), patch = bytes("new"), at2 = bytes("at 2");
  WriteBatch batch;  // refers to the bytes above until write() returns
  batch.checkpoint(at5, 5);
  batch.append_patch(patch, 7);
  batch.checkpoint(at2, 2);
  expect_error(Errc::invalid_argument, [&] { store->write(batch); });
  const auto check = [&](Store& reader) {
    EXPECT_EQ(text(*reader.load_snapshot()), "at 1");
    EXPECT_EQ(reader.snapshot_clock(), 1u);
    EXPECT_EQ(reader.load_patches_since(0).size(), 6u);
    EXPECT_EQ(reader.accumulated_bytes(), 5u);  // clocks 2 to 6
  };
  check(*store);
  store->close();
  check(*open_store());  // what the backend holds, not only the figures in memory
}

TEST_P(Conformance, SaveSnapshotMovesTheBaseOfTheFigure) {
  auto store = open_store();
  for (Clock clock = 3; clock <= 7; ++clock) store->append_patch(Bytes(100, 'p'), clock);
  store->save_snapshot(bytes("s"), 5);
  EXPECT_EQ(store->accumulated_bytes(), 200u);
  store->append_patch(Bytes(7, 'p'), 4);  // below the snapshot: does not count
  EXPECT_EQ(store->accumulated_bytes(), 200u);
  store->prune_patches(7);
  EXPECT_EQ(store->accumulated_bytes(), 100u);
}

TEST_P(Conformance, FigureSurvivesReopenAndIsSharedInProcess) {
  {
    auto store = open_store();
    store->checkpoint(bytes("s"), 2);
    for (Clock clock = 1; clock <= 6; ++clock) store->append_patch(Bytes(10, 'p'), clock);
    auto twin = open_store();
    twin->append_patch(Bytes(5, 'p'), 7);
    EXPECT_EQ(store->accumulated_bytes(), 45u);
    EXPECT_EQ(twin->accumulated_bytes(), 45u);
  }
  EXPECT_EQ(open_store()->accumulated_bytes(), 45u);
}

TEST_P(Conformance, StoresHaveTheirOwnFigures) {
  auto db = open_db();
  auto a = db->store("a");
  auto b = db->store("b");
  a->append_patch(Bytes(30, 'a'), 1);
  b->append_patch(Bytes(4, 'b'), 1);
  EXPECT_EQ(a->accumulated_bytes(), 30u);
  EXPECT_EQ(b->accumulated_bytes(), 4u);
}

}  // namespace
}  // namespace sds::test
