// The Node package's own cases, and store isolation, on every scheme.
#include "conformance.hpp"

#include <sys/mman.h>

#include <limits>
#include <random>

namespace sds::test {
namespace {

constexpr Clock kMaxClock = std::numeric_limits<Clock>::max();

std::vector<std::string> texts(const std::vector<Bytes>& values) {
  std::vector<std::string> out;
  for (const Bytes& value : values) out.push_back(text(value));
  return out;
}

TEST_P(Conformance, OpenCreatesAnEmptyDatabase) {
  auto db = open_db();
  EXPECT_TRUE(db->stores().empty());
  EXPECT_EQ(db->stats().format_version, GetParam().capabilities.format_version);
  db->close();
  EXPECT_EQ(open_db()->stats().store_count, 0u);
}

TEST_P(Conformance, NoSnapshotIsNullopt) {
  auto store = open_store();
  EXPECT_FALSE(store->load_snapshot().has_value());
  EXPECT_FALSE(store->snapshot_clock().has_value());
}

TEST_P(Conformance, SnapshotRoundTripAndOverwrite) {
  auto store = open_store();
  store->save_snapshot(bytes("first"), 3);
  EXPECT_EQ(text(*store->load_snapshot()), "first");
  EXPECT_EQ(store->snapshot_clock(), 3u);
  store->save_snapshot(bytes("second"), 2);  // save_snapshot replaces, whatever the clock
  EXPECT_EQ(text(*store->load_snapshot()), "second");
  EXPECT_EQ(store->snapshot_clock(), 2u);
}

// Keys of every length modulo 8 put the records at every alignment in a
// backend's pages (LMDB's and SQLite's are memory-mapped): headers are read
// byte by byte, which the UBSan build (-fsanitize=alignment) and 32-bit ARM
// check.
TEST_P(Conformance, RecordsAreReadAtEveryAlignment) {
  auto db = open_db();
  for (std::size_t length = 1; length <= 9; ++length) {
    const std::string id(length, static_cast<char>('a' + length));
    auto store = db->store(id);
    store->save_snapshot(bytes("snapshot " + id), length);
    store->append_patch(bytes("patch " + id), length + 1);
    store->save_value(id, bytes("blob " + id));
  }
  for (std::size_t length = 1; length <= 9; ++length) {
    const std::string id(length, static_cast<char>('a' + length));
    auto store = db->store(id);
    EXPECT_EQ(text(*store->load_snapshot()), "snapshot " + id);
    EXPECT_EQ(store->snapshot_clock(), length);
    const auto patches = store->load_patches_since(0);
    ASSERT_EQ(patches.size(), 1u);
    EXPECT_EQ(text(patches[0]), "patch " + id);
    EXPECT_EQ(text(*store->load_value(id)), "blob " + id);
  }
}

TEST_P(Conformance, DefaultSnapshotClockIsZero) {
  auto store = open_store();
  store->save_snapshot(bytes("s"));
  EXPECT_EQ(store->snapshot_clock(), 0u);
}

TEST_P(Conformance, EverythingSurvivesCloseAndReopen) {
  {
    auto store = open_store();
    store->save_snapshot(bytes("snap"), 7);
    store->append_patch(bytes("p8"), 8);
    store->save_value("h", bytes("blob"));
    store->close();
  }
  auto store = open_store();
  EXPECT_EQ(text(*store->load_snapshot()), "snap");
  EXPECT_EQ(store->snapshot_clock(), 7u);
  EXPECT_EQ(texts(store->load_patches_since(0)), std::vector<std::string>{"p8"});
  EXPECT_EQ(text(*store->load_value("h")), "blob");
}

TEST_P(Conformance, PatchesEmptyOneAndAscending) {
  auto store = open_store();
  EXPECT_TRUE(store->load_patches_since(0).empty());
  store->append_patch(bytes("five"), 5);
  EXPECT_EQ(texts(store->load_patches_since(0)), std::vector<std::string>{"five"});
  store->append_patch(bytes("one"), 1);
  store->append_patch(bytes("three"), 3);
  EXPECT_EQ(texts(store->load_patches_since(0)),
            (std::vector<std::string>{"one", "three", "five"}));
}

TEST_P(Conformance, PatchesSinceAreStrictlyGreater) {
  auto store = open_store();
  for (Clock clock = 1; clock <= 5; ++clock)
    store->append_patch(bytes(std::to_string(clock)), clock);
  EXPECT_EQ(texts(store->load_patches_since(3)), (std::vector<std::string>{"4", "5"}));
  EXPECT_TRUE(store->load_patches_since(5).empty());
  EXPECT_TRUE(store->load_patches_since(kMaxClock).empty());
}

TEST_P(Conformance, PruneIsStrictlyLess) {
  auto store = open_store();
  for (Clock clock = 1; clock <= 5; ++clock)
    store->append_patch(bytes(std::to_string(clock)), clock);
  store->prune_patches(3);
  EXPECT_EQ(texts(store->load_patches_since(0)), (std::vector<std::string>{"3", "4", "5"}));
  store->prune_patches(0);
  EXPECT_EQ(store->load_patches_since(0).size(), 3u);
  store->prune_patches(kMaxClock);
  EXPECT_TRUE(store->load_patches_since(0).empty());
  EXPECT_EQ(store->stats().patch_count, 0u);
}

TEST_P(Conformance, PruneRemovesThePatchAtClockZero) {
  // load_patches_since(0) and visit_patches_since(0) never return clock 0, so
  // only stats() tells whether a prune removed it.
  auto store = open_store();
  for (Clock clock = 0; clock <= 2; ++clock) store->append_patch(bytes("p"), clock);
  EXPECT_EQ(store->stats().patch_count, 3u);
  EXPECT_EQ(store->stats().first_patch_clock, 0u);
  store->prune_patches(1);
  const StoreStats stats = store->stats();
  EXPECT_EQ(stats.patch_count, 2u);
  EXPECT_EQ(stats.first_patch_clock, 1u);
  EXPECT_EQ(stats.patch_bytes, 2u);
}

TEST_P(Conformance, DuplicateClockIsIgnoredFirstWins) {
  auto store = open_store();
  store->append_patch(bytes("first"), 4);
  EXPECT_NO_THROW(store->append_patch(bytes("second"), 4));
  EXPECT_EQ(texts(store->load_patches_since(0)), std::vector<std::string>{"first"});
}

TEST_P(Conformance, ClocksAreOrderedNumerically) {
  auto store = open_store();
  const Clock top = GetParam().capabilities.max_clock;  // 2^64-1 in the core's layout
  const std::vector<Clock> clocks{top, 1ull << 53, 256, 1ull << 32, 1, 0};
  for (Clock clock : clocks) store->append_patch(bytes(std::to_string(clock)), clock);
  EXPECT_EQ(texts(store->load_patches_since(0)),
            (std::vector<std::string>{"1", "256", "4294967296", "9007199254740992",
                                      std::to_string(top)}));
  std::vector<Clock> seen;
  store->visit_patches_since(255, [&](Clock clock, ByteView) {
    seen.push_back(clock);
    return true;
  });
  EXPECT_EQ(seen, (std::vector<Clock>{256, 1ull << 32, 1ull << 53, top}));
  EXPECT_TRUE(store->load_patches_since(top).empty());
  EXPECT_TRUE(store->load_patches_since(kMaxClock).empty());
}

// The declared limit: every clock up to max_clock is held (above), a write of
// a larger one is refused before anything is written, and reads and prunes
// take any clock.
TEST_P(Conformance, ClocksOverTheDeclaredLimitAreRefused) {
  const Clock top = GetParam().capabilities.max_clock;
  auto store = open_store();
  store->append_patch(bytes("top"), top);
  if (top == kMaxClock) {
    EXPECT_EQ(store->load_patches_since(top - 1).size(), 1u);  // nothing is above 2^64-1
    return;
  }
  const Clock over = top + 1;
  const std::string message =
      expect_error(Errc::invalid_argument, [&] { store->append_patch(bytes("p"), over); });
  EXPECT_NE(message.find(std::to_string(over)), std::string::npos) << message;
  expect_error(Errc::invalid_argument, [&] { store->save_snapshot(bytes("s"), over); });
  expect_error(Errc::invalid_argument, [&] { store->checkpoint(bytes("s"), over); });
  const Bytes patch = bytes("in a batch");
  WriteBatch batch;
  batch.append_patch(patch, 1);
  batch.append_patch(patch, over);
  expect_error(Errc::invalid_argument, [&] { store->write(batch); });
  EXPECT_FALSE(store->load_snapshot().has_value());
  EXPECT_EQ(texts(store->load_patches_since(0)), std::vector<std::string>{"top"});
  store->prune_patches(kMaxClock);  // a bound over the limit prunes every patch
  EXPECT_TRUE(store->load_patches_since(0).empty());
}

TEST_P(Conformance, ClockZeroAndTwoToThe53) {
  auto store = open_store();
  store->save_snapshot(bytes("at zero"), 0);
  store->append_patch(bytes("zero"), 0);
  EXPECT_EQ(store->snapshot_clock(), 0u);
  store->save_snapshot(bytes("at 2^53"), 1ull << 53);
  EXPECT_EQ(store->snapshot_clock(), 1ull << 53);
  store->prune_patches(1);
  EXPECT_TRUE(store->load_patches_since(0).empty());
}

TEST_P(Conformance, EmptyAndLargeValues) {
  auto store = open_store();
  Bytes large(16 << 20);
  for (std::size_t i = 0; i < large.size(); ++i)
    large[i] = static_cast<std::uint8_t>(i * 7 + i / 4096);
  store->save_snapshot(Bytes{}, 1);
  ASSERT_TRUE(store->load_snapshot().has_value());
  EXPECT_TRUE(store->load_snapshot()->empty());
  store->append_patch(Bytes{}, 1);
  store->append_patch(large, 2);
  store->save_value("empty", Bytes{});
  store->save_value("large", large);
  store->close();

  store = open_store();
  const auto patches = store->load_patches_since(0);
  ASSERT_EQ(patches.size(), 2u);
  EXPECT_TRUE(patches[0].empty());
  EXPECT_EQ(patches[1], large);
  EXPECT_TRUE(store->load_value("empty").value().empty());
  EXPECT_EQ(store->load_value("large"), large);
  store->save_snapshot(large, 3);
  EXPECT_EQ(store->load_snapshot(), large);
}

TEST_P(Conformance, ValuesOverTheLimitAreRefusedBeforeAnythingIsWritten) {
  auto store = open_store();
  // A mapping that is never touched: the size check must come first.
  const std::size_t size = kMaxValueBytes + 1;
  void* memory = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(memory, MAP_FAILED);
  const ByteView too_large(static_cast<const std::uint8_t*>(memory), size);
  expect_error(Errc::invalid_argument, [&] { store->save_snapshot(too_large, 1); });
  expect_error(Errc::invalid_argument, [&] { store->checkpoint(too_large, 1); });
  expect_error(Errc::invalid_argument, [&] { store->append_patch(too_large, 1); });
  expect_error(Errc::invalid_argument, [&] { store->save_value("h", too_large); });
  munmap(memory, size);
  EXPECT_FALSE(store->load_snapshot().has_value());
  EXPECT_TRUE(store->load_patches_since(0).empty());
  EXPECT_FALSE(store->load_value("h").has_value());
}

TEST_P(Conformance, StoresAreIsolatedWhateverTheirIds) {
  std::vector<std::string> ids{"a",
                               "ab",
                               "a/b",
                               std::string("a\0b", 3),
                               "b",
                               "\xc3\xa9t\xc3\xa9",
                               std::string(kMaxStoreIdBytes, 'a')};
  if (GetParam().capabilities.binary_ids) ids.push_back("\xff");
  auto db = open_db();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto store = db->store(ids[i]);
    store->save_snapshot(bytes("snapshot of " + ids[i]), i);
    store->append_patch(bytes("patch of " + ids[i]), 100 + i);
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto store = db->store(ids[i]);
    EXPECT_EQ(text(*store->load_snapshot()), "snapshot of " + ids[i]);
    EXPECT_EQ(store->snapshot_clock(), i);
    EXPECT_EQ(texts(store->load_patches_since(0)), std::vector<std::string>{"patch of " + ids[i]});
  }
  auto sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(db->stores(), sorted);
  EXPECT_EQ(db->stats().store_count, ids.size());
}

TEST_P(Conformance, StoreIdsAndHashesOutsideTheLimitsAreRefused) {
  auto db = open_db();
  expect_error(Errc::invalid_argument, [&] { db->store(""); });
  expect_error(Errc::invalid_argument, [&] { db->store(std::string(kMaxStoreIdBytes + 1, 'x')); });
  auto store = db->store("doc");
  for (const std::string& hash : {std::string(), std::string(kMaxHashBytes + 1, 'h')}) {
    expect_error(Errc::invalid_argument, [&] { store->save_value(hash, bytes("x")); });
    expect_error(Errc::invalid_argument, [&] { store->load_value(hash); });
    expect_error(Errc::invalid_argument, [&] { store->release_value(hash); });
  }
  store->save_value(std::string(kMaxHashBytes, '\0'), bytes("longest hash"));
  EXPECT_EQ(text(*store->load_value(std::string(kMaxHashBytes, '\0'))), "longest hash");
}

// The declared limit: a layout that keeps ids and hashes as text refuses
// bytes that are not UTF-8, before anything is written; the core's layout
// takes them.
TEST_P(Conformance, IdsAndHashesThatAreNotUtf8FollowTheDeclaredLimit) {
  const std::vector<std::string> not_utf8{
      "\xff", "a\x80", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"};
  auto db = open_db();
  for (const std::string& id : not_utf8) {
    if (GetParam().capabilities.binary_ids) {
      auto store = db->store(id);
      store->append_patch(bytes("p"), 1);
      store->save_value(id, bytes("v"));
      EXPECT_EQ(text(*store->load_value(id)), "v");
      continue;
    }
    const std::string message = expect_error(Errc::invalid_argument, [&] { db->store(id); });
    EXPECT_NE(message.find("UTF-8"), std::string::npos) << message;
    auto store = db->store("doc");
    expect_error(Errc::invalid_argument, [&] { store->save_value(id, bytes("v")); });
    expect_error(Errc::invalid_argument, [&] { store->load_value(id); });
    expect_error(Errc::invalid_argument, [&] { store->release_value(id); });
    expect_error(Errc::invalid_argument, [&] { store->retain_value(id); });
  }
  EXPECT_EQ(db->stores().size(), GetParam().capabilities.binary_ids ? not_utf8.size() : 0u);
  EXPECT_EQ(db->stats().blob_count, GetParam().capabilities.binary_ids ? not_utf8.size() : 0u);
}

TEST_P(Conformance, AStoreExistsFromItsFirstWriteUntilDropped) {
  auto db = open_db();
  auto reader = db->store("quiet");
  EXPECT_TRUE(reader->load_patches_since(0).empty());
  EXPECT_TRUE(db->stores().empty());
  auto store = db->store("doc");
  store->save_snapshot(bytes("s"), 1);
  store->append_patch(bytes("p"), 2);
  store->save_value("blob", bytes("b"));
  EXPECT_EQ(db->stores(), std::vector<std::string>{"doc"});

  db->drop_store("doc");
  EXPECT_TRUE(db->stores().empty());
  EXPECT_FALSE(store->load_snapshot().has_value());
  EXPECT_TRUE(store->load_patches_since(0).empty());
  EXPECT_EQ(store->accumulated_bytes(), 0u);
  EXPECT_EQ(text(*store->load_value("blob")), "b");  // blobs belong to the database
  expect_error(Errc::not_found, [&] { db->drop_store("doc"); });

  store->append_patch(bytes("again"), 1);  // the id can be used afresh
  EXPECT_EQ(texts(store->load_patches_since(0)), std::vector<std::string>{"again"});
  EXPECT_EQ(db->stores(), std::vector<std::string>{"doc"});
}

TEST_P(Conformance, VisitStreamsPatchesWithClocksAndStopsWhenAsked) {
  auto store = open_store();
  for (Clock clock = 1; clock <= 5000; ++clock) {
    store->append_patch(bytes(std::string(1000, static_cast<char>('a' + clock % 26))), clock);
  }
  Clock expected = 11;
  std::size_t visited = 0;
  store->visit_patches_since(10, [&](Clock clock, ByteView patch) {
    EXPECT_EQ(clock, expected++);
    EXPECT_EQ(patch.size(), 1000u);
    EXPECT_EQ(patch[0], static_cast<std::uint8_t>('a' + clock % 26));
    ++visited;
    return true;
  });
  EXPECT_EQ(visited, 4990u);
  visited = 0;
  store->visit_patches_since(0, [&](Clock, ByteView) { return ++visited < 3; });
  EXPECT_EQ(visited, 3u);
  // The visitor may call the store: no lock is held while it runs.
  store->visit_patches_since(4998, [&](Clock clock, ByteView) {
    store->append_patch(bytes("later"), clock + 10000);
    return true;
  });
  EXPECT_EQ(store->load_patches_since(5000).size(), 2u);
}

TEST_P(Conformance, CallsAfterCloseThrowClosed) {
  auto db = open_db();
  auto store = db->store("doc");
  store->close();
  store->close();  // idempotent
  expect_error(Errc::closed, [&] { store->load_snapshot(); });
  expect_error(Errc::closed, [&] { store->save_snapshot(bytes("s"), 1); });
  expect_error(Errc::closed, [&] { store->load_patches_since(0); });
  expect_error(Errc::closed, [&] { store->append_patch(bytes("p"), 1); });
  expect_error(Errc::closed, [&] { store->prune_patches(1); });
  expect_error(Errc::closed, [&] { store->load_value("h"); });
  expect_error(Errc::closed, [&] { store->save_value("h", bytes("v")); });
  expect_error(Errc::closed, [&] { store->release_value("h"); });
  expect_error(Errc::closed, [&] { store->accumulated_bytes(); });
  expect_error(Errc::closed, [&] { store->checkpoint(bytes("s"), 1); });
  expect_error(Errc::closed, [&] { store->flush(); });
  expect_error(Errc::closed, [&] { store->stats(); });
  expect_error(Errc::closed, [&] { store->retain_value("h"); });
  expect_error(Errc::closed, [&] { store->checkpoint_due(); });
  expect_error(Errc::closed, [&] { store->snapshot_clock(); });
  expect_error(Errc::closed,
               [&] { store->visit_patches_since(0, [](Clock, ByteView) { return true; }); });
  const Bytes patch = bytes("p");
  WriteBatch batch;  // refers to `patch`
  batch.append_patch(patch, 1);
  expect_error(Errc::closed, [&] { store->write(batch); });
  EXPECT_EQ(store->id(), "doc");
  auto other = db->store("doc");  // the database itself is still open
  other->append_patch(bytes("p"), 1);
  db->close();
  db->close();
  expect_error(Errc::closed, [&] { db->store("doc"); });
  expect_error(Errc::closed, [&] { db->stores(); });
  expect_error(Errc::closed, [&] { db->drop_store("doc"); });
  expect_error(Errc::closed, [&] { db->stats(); });
  expect_error(Errc::closed, [&] { db->flush(); });
  EXPECT_FALSE(db->read_only());
  EXPECT_FALSE(db->uri().empty());
  EXPECT_EQ(other->load_patches_since(0).size(), 1u);  // stores outlive their database object
}

TEST_P(Conformance, ReadOnlyOpenReadsAndRefusesWrites) {
  {
    auto store = open_store();
    store->save_snapshot(bytes("s"), 1);
    store->append_patch(bytes("p"), 2);
    store->save_value("h", bytes("blob"));
  }
  auto db = sds::open_database(uri_, {.read_only = true});
  EXPECT_TRUE(db->read_only());
  auto store = db->store("doc");
  EXPECT_EQ(text(*store->load_snapshot()), "s");
  expect_error(Errc::unsupported, [&] { store->append_patch(bytes("q"), 3); });
  expect_error(Errc::unsupported, [&] { store->save_value("h", bytes("v")); });
  expect_error(Errc::unsupported, [&] { db->drop_store("doc"); });
  expect_error(Errc::unsupported, [&] { store->save_snapshot(bytes("t"), 4); });
  expect_error(Errc::unsupported, [&] { store->checkpoint(bytes("t"), 4); });
  expect_error(Errc::unsupported, [&] { store->prune_patches(kMaxClock); });
  expect_error(Errc::unsupported, [&] { store->release_value("h"); });
  expect_error(Errc::unsupported, [&] { store->retain_value("h"); });
  WriteBatch batch;
  batch.prune_patches(kMaxClock);
  expect_error(Errc::unsupported, [&] { store->write(batch); });
  expect_error(Errc::not_found, [&] { db->store("missing"); });
  EXPECT_EQ(text(*store->load_snapshot()), "s");
  EXPECT_EQ(store->snapshot_clock(), 1u);
  EXPECT_EQ(text(*store->load_value("h")), "blob");
  EXPECT_EQ(store->load_patches_since(0).size(), 1u);
}

TEST_P(Conformance, ReadOnlyOpenReadsLargeValues) {
  // Incompressible, so stored at full size: RocksDB keeps values of 64 KiB
  // and more in blob files, which its plain read-only open missed in a
  // database of one table file (what a clean close leaves).
  Bytes snapshot(1 << 20);
  Bytes blob(256 << 10);
  std::mt19937_64 generator(7);
  for (auto& byte : snapshot) byte = static_cast<std::uint8_t>(generator());
  for (auto& byte : blob) byte = static_cast<std::uint8_t>(generator());
  {
    auto store = open_store();
    store->save_snapshot(snapshot, 1);
    store->append_patch(bytes("p"), 2);
    store->save_value("h", blob);
  }
  auto store = sds::open(uri_, "doc", {.read_only = true});
  EXPECT_EQ(store->load_snapshot(), snapshot);
  EXPECT_EQ(store->load_value("h"), blob);
  EXPECT_EQ(store->load_patches_since(0).size(), 1u);
}

TEST_P(Conformance, FlushAndStats) {
  auto store = open_store();
  store->save_snapshot(Bytes(100000, 'z'), 10);
  for (Clock clock = 9; clock <= 12; ++clock) store->append_patch(bytes("patch"), clock);
  store->save_value("h", bytes("blob data"));
  store->flush();
  const StoreStats stats = store->stats();
  EXPECT_TRUE(stats.has_snapshot);
  EXPECT_EQ(stats.snapshot_clock, 10u);
  EXPECT_EQ(stats.snapshot_bytes, 100000u);
  if (GetParam().capabilities.compression) {
    EXPECT_LT(stats.snapshot_stored_bytes, 1000u);  // zstd
  } else {
    EXPECT_EQ(stats.snapshot_stored_bytes, 100000u);  // as given
  }
  EXPECT_EQ(stats.patch_count, 4u);
  EXPECT_EQ(stats.patch_bytes, 20u);
  EXPECT_EQ(stats.first_patch_clock, 9u);
  EXPECT_EQ(stats.last_patch_clock, 12u);
  EXPECT_EQ(stats.accumulated_bytes, 10u);
  EXPECT_EQ(stats.blob_count, 1u);
  EXPECT_EQ(stats.blob_bytes, 9u);
  EXPECT_EQ(stats.bytes_on_disk.has_value(), GetParam().capabilities.reports_size);
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Backends, Conformance, ::testing::ValuesIn(backends_under_test()),
                         backend_name);

}  // namespace sds::test
