// Store ids, blob hashes and clocks at and beyond their limits (docs/DESIGN.md
// sections 4 and 5), on every scheme: ids and hashes that are prefixes of
// each other never see each other's data, and clocks 0 and the largest
// (2^64-1 in the core's layout) behave as any other.
#include <limits>

#include "tests/reliability/bad_input.hpp"

namespace sds::test {
namespace {

// Pairs of ids (or hashes) of which the first is a prefix of the second.
std::vector<std::pair<std::string, std::string>> prefix_pairs(std::size_t longest) {
  const std::string nul(1, '\0');
  return {{"a", "ab"},
          {"a", "a" + nul},
          {nul, nul + nul},
          {"a/", "a/b"},
          {std::string(longest - 1, 'x'), std::string(longest, 'x')}};
}

TEST_P(BadInput, IdsOutsideTheLimitsAreRefusedByEveryCall) {
  auto db = open_db();
  const std::string one_more(kMaxStoreIdBytes + 1, 'x');
  for (const std::string& id : {std::string(), one_more}) {
    SCOPED_TRACE(id.size());
    refused("store_ids", Errc::invalid_argument, [&] { db->store(id); });
    refused("store_ids", Errc::invalid_argument, [&] { db->drop_store(id); });
    refused("store_ids", Errc::invalid_argument, [&] { sds::open(uri_, id); });
  }
  EXPECT_TRUE(db->stores().empty());
  // The longest id and ids of NULs are ids like any other.
  for (const std::string& id : {std::string(kMaxStoreIdBytes, '\0'), std::string(1, '\0'),
                                std::string(kMaxStoreIdBytes, 'x')}) {
    tried("store_ids");
    db->store(id)->append_patch(bytes("p"), 1);
    db->drop_store(id);
  }
  EXPECT_TRUE(db->stores().empty());
}

TEST_P(BadInput, StoreIdsThatArePrefixesOfEachOtherNeverShare) {
  for (const auto& [shorter, longer] : prefix_pairs(kMaxStoreIdBytes)) {
    SCOPED_TRACE(core::keys::printable(longer));
    tried("store_ids", 2);
    auto db = open_db();
    auto a = db->store(shorter);
    auto b = db->store(longer);
    a->save_snapshot(bytes("snapshot a"), 5);
    a->append_patch(bytes("a6"), 6);
    b->append_patch(bytes("b1"), 1);
    b->append_patch(bytes("b7"), 7);
    EXPECT_EQ(text(*a->load_snapshot()), "snapshot a");
    EXPECT_FALSE(b->load_snapshot().has_value());
    EXPECT_EQ(texts(a->load_patches_since(0)), std::vector<std::string>{"a6"});
    EXPECT_EQ(texts(b->load_patches_since(0)), (std::vector<std::string>{"b1", "b7"}));
    EXPECT_EQ(a->accumulated_bytes(), 2u);
    EXPECT_EQ(b->accumulated_bytes(), 4u);
    // A checkpoint and a prune of one leave the other alone.
    a->checkpoint(bytes("checkpoint a"), 10);
    b->prune_patches(2);
    EXPECT_EQ(texts(b->load_patches_since(0)), std::vector<std::string>{"b7"});
    EXPECT_TRUE(a->load_patches_since(0).empty());
    // So does a drop, across a reopen.
    db->drop_store(shorter);
    db->close();
    a->close();
    b->close();
    db = open_db();
    EXPECT_EQ(db->stores(), std::vector<std::string>{longer});
    EXPECT_EQ(texts(db->store(longer)->load_patches_since(0)), std::vector<std::string>{"b7"});
    EXPECT_FALSE(db->store(shorter)->load_snapshot().has_value());
    db->drop_store(longer);
  }
}

TEST_P(BadInput, HashesThatArePrefixesOfEachOtherNeverShare) {
  auto store = open_store();
  for (const auto& [shorter, longer] : prefix_pairs(kMaxHashBytes)) {
    SCOPED_TRACE(core::keys::printable(longer));
    tried("hashes", 2);
    store->save_value(shorter, bytes("short"));
    EXPECT_FALSE(store->load_value(longer).has_value());
    EXPECT_FALSE(store->retain_value(longer));
    store->release_value(longer);  // unknown: a no-op
    EXPECT_EQ(text(*store->load_value(shorter)), "short");
    store->save_value(longer, bytes("long"));
    store->release_value(shorter);
    EXPECT_FALSE(store->load_value(shorter).has_value());
    EXPECT_EQ(text(*store->load_value(longer)), "long");
    store->release_value(longer);
  }
  EXPECT_EQ(store->stats().blob_count, 0u);
}

TEST_P(BadInput, ClockZeroAndTheLargestClockAreClocksLikeAnyOther) {
  const Clock top = GetParam().capabilities.max_clock;
  {
    auto store = open_store();
    tried("clocks", 6);
    store->append_patch(bytes("zero"), 0);
    store->append_patch(bytes("top"), top);
    store->append_patch(bytes("top again"), top);  // a duplicate: the first wins
    store->append_patch(bytes("one"), 1);
    EXPECT_EQ(texts(store->load_patches_since(0)), (std::vector<std::string>{"one", "top"}));
    EXPECT_EQ(texts(store->load_patches_since(top - 1)), std::vector<std::string>{"top"});
    EXPECT_TRUE(store->load_patches_since(top).empty());
    EXPECT_EQ(store->accumulated_bytes(), 4u + 3u + 3u);  // zero, one, top
    // Pruning before 0 prunes nothing; before the largest clock, all but it.
    store->prune_patches(0);
    EXPECT_EQ(store->stats().patch_count, 3u);
    store->prune_patches(top);
    EXPECT_EQ(store->stats().patch_count, 1u);
    EXPECT_EQ(store->stats().first_patch_clock, top);
    // A snapshot at the largest clock counts nothing, and only a checkpoint
    // at that clock is not stale.
    store->save_snapshot(bytes("snapshot"), top);
    EXPECT_EQ(store->accumulated_bytes(), 0u);
    refused("clocks", Errc::invalid_argument, [&] { store->checkpoint(bytes("stale"), top - 1); });
    refused("clocks", Errc::invalid_argument, [&] { store->checkpoint(bytes("stale"), 0); });
    store->checkpoint(bytes("checkpoint"), top);
    EXPECT_EQ(texts(store->load_patches_since(top - 1)), std::vector<std::string>{"top"});
  }
  auto store = open_store();  // the same after a reopen
  EXPECT_EQ(store->snapshot_clock(), top);
  EXPECT_EQ(text(*store->load_snapshot()), "checkpoint");
  EXPECT_EQ(texts(store->load_patches_since(0)), std::vector<std::string>{"top"});
  EXPECT_EQ(store->accumulated_bytes(), 0u);
  // Saving a snapshot at 0 after one at the largest clock is allowed (only
  // checkpoint refuses a stale clock); the patch at the top then counts.
  tried("clocks");
  store->save_snapshot(bytes("at zero"), 0);
  EXPECT_EQ(store->snapshot_clock(), 0u);
  EXPECT_EQ(store->accumulated_bytes(), 3u);
  // Pruning beyond the last patch prunes it (a bound over the declared
  // limit included).
  tried("clocks");
  store->prune_patches(std::numeric_limits<Clock>::max());
  if (top == std::numeric_limits<Clock>::max()) {
    EXPECT_EQ(store->stats().patch_count, 1u);  // nothing is below 2^64-1 but the rest
  } else {
    EXPECT_EQ(store->stats().patch_count, 0u);
  }
}

TEST_P(BadInput, DuplicateClocksInOneBatchAndAcrossReopensKeepTheFirst) {
  const Bytes first = bytes("first"), second = bytes("second!");
  {
    auto store = open_store();
    WriteBatch batch;
    batch.append_patch(first, 3);
    batch.append_patch(second, 3);
    batch.append_patch(second, 0);
    batch.append_patch(first, 0);
    tried("clocks", 4);
    store->write(batch);
    EXPECT_EQ(store->accumulated_bytes(), first.size() + second.size());
  }
  auto store = open_store();
  tried("clocks");
  store->append_patch(second, 3);
  EXPECT_EQ(texts(store->load_patches_since(0)), std::vector<std::string>{"first"});
  EXPECT_EQ(store->stats().patch_bytes, first.size() + second.size());
  EXPECT_EQ(store->accumulated_bytes(), first.size() + second.size());
}

}  // namespace
}  // namespace sds::test
