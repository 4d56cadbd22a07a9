#include "core/keys.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "sds/error.hpp"

namespace sds::core::keys {
namespace {

TEST(Keys, PatchKeysSortByClockNumerically) {
  const std::vector<Clock> clocks{
      0, 1, 255, 256, 1ull << 32, 1ull << 53, std::numeric_limits<Clock>::max()};
  for (std::size_t i = 1; i < clocks.size(); ++i) {
    EXPECT_LT(patch(1, clocks[i - 1]), patch(1, clocks[i]));
    EXPECT_EQ(patch_clock(patch(1, clocks[i]), ""), clocks[i]);
  }
  EXPECT_LT(patch(1, std::numeric_limits<Clock>::max()), patches_end(1));
}

TEST(Keys, AStoresRangeHoldsOnlyItsOwnKeys) {
  for (std::uint64_t store : {1ull, 255ull, 256ull, 1ull << 40}) {
    for (const std::string& key : {meta(store), snapshot(store), patch(store, 0),
                                   patch(store, std::numeric_limits<Clock>::max())}) {
      EXPECT_GE(key, store_begin(store));
      EXPECT_LT(key, store_end(store));
      EXPECT_FALSE(key >= store_begin(store + 1) && key < store_end(store + 1));
    }
  }
}

TEST(Keys, TheLastStoreNumbersRangeDoesNotWrap) {
  // A forged id table entry may name 2^64-1: dropping that store must erase
  // its records, so its range may not wrap around to store 0.
  constexpr std::uint64_t kLast = std::numeric_limits<std::uint64_t>::max();
  for (const std::string& key : {meta(kLast), snapshot(kLast), patch(kLast, 0),
                                 patch(kLast, std::numeric_limits<Clock>::max())}) {
    EXPECT_GE(key, store_begin(kLast));
    EXPECT_LT(key, store_end(kLast));
  }
  EXPECT_LE(store_end(kLast), stores_end());
}

TEST(Keys, OnlySnapshotAndBlobDataMayBeCompressed) {
  EXPECT_TRUE(may_be_compressed(snapshot(1)));
  EXPECT_TRUE(may_be_compressed(blob("h")));
  for (const std::string& key : {patch(1, 7), meta(1), refs("h"), intern("doc"), next_store(),
                                 format(), staging_header(), std::string()}) {
    EXPECT_FALSE(may_be_compressed(key)) << describe(key);
  }
}

TEST(Keys, KeysStayShortWhateverTheStoreIdOrHash) {
  EXPECT_EQ(intern(std::string(4096, 'x')).size(), 9u);
  EXPECT_NE(intern("a"), intern("ab"));
  EXPECT_NE(intern(std::string("a\0b", 3)), intern("a"));
  EXPECT_EQ(blob(std::string(256, 'h')).size(), 257u);
  EXPECT_EQ(patch(7, 9).size(), 18u);
}

TEST(Keys, BlobAndRefsRangesDoNotMix) {
  EXPECT_GE(blob(""), blobs_begin());
  EXPECT_LT(blob(std::string(256, '\xff')), blobs_end());
  EXPECT_FALSE(refs("h") >= blobs_begin() && refs("h") < blobs_end());
}

TEST(Keys, DescribeNamesRecordsReadably) {
  EXPECT_EQ(describe(patch(3, 42)), "patch at clock 42 of store #3");
  EXPECT_EQ(describe(snapshot(3)), "snapshot of store #3");
  EXPECT_EQ(describe(blob("sha\x01")), "blob 'sha\\x01'");
  EXPECT_EQ(describe(format()), "format record");
  EXPECT_THROW(patch_clock("S123", "in 'memory:x'"), sds::Error);
}

// Found by tests/fuzz/keys_fuzzer.cpp: any 18-byte key had a clock.
TEST(Keys, PatchClockRefusesKeysOfTheRightSizeThatAreNoPatchKey) {
  std::string snapshot_sized = snapshot(3);
  snapshot_sized.resize(patch(3, 42).size(), 'x');
  std::string blob_sized = blob(std::string(17, 'h'));
  for (const std::string& key : {snapshot_sized, blob_sized}) {
    ASSERT_EQ(key.size(), patch(3, 42).size());
    EXPECT_THROW(patch_clock(key, "in 'memory:x'"), sds::Error) << describe(key);
  }
}

TEST(Keys, StoreKeysDecodeIntoNumberAndSuffix) {
  const std::string key = patch(1ull << 40, 42);
  const auto parsed = parse_store_key(key);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->store, 1ull << 40);
  EXPECT_EQ(store_record(parsed->store, parsed->suffix), key);
  const auto name = parse_store_suffix(parsed->suffix);
  ASSERT_TRUE(name);
  EXPECT_EQ(name->kind, StoreRecordKind::patch);
  EXPECT_EQ(name->clock, 42u);
  EXPECT_EQ(store_suffix(*name), parsed->suffix);
  EXPECT_EQ(parse_store_suffix(parse_store_key(meta(3))->suffix)->kind,
            StoreRecordKind::snapshot_header);
  EXPECT_EQ(parse_store_suffix(parse_store_key(snapshot(3))->suffix)->kind,
            StoreRecordKind::snapshot);
  EXPECT_FALSE(parse_store_key(store_begin(3)));  // a number, no suffix
  EXPECT_FALSE(parse_store_key("S1"));
  for (const std::string& suffix : {std::string(""), std::string("p123"), std::string("x"),
                                    std::string("ss"), std::string(600, 'p')}) {
    EXPECT_FALSE(parse_store_suffix(suffix)) << suffix;
  }
}

TEST(Keys, BlobHashesComeBackFromTheirKeys) {
  EXPECT_EQ(blob_hash(blob("sha256:x")), "sha256:x");
  EXPECT_EQ(blob_hash(refs(std::string("\0\xff", 2))), std::string("\0\xff", 2));
  EXPECT_GE(refs(""), refs_begin());
  EXPECT_LT(refs(std::string(256, '\xff')), refs_end());
}

TEST(Keys, UnknownRangesHoldNoKeyOfTheLayout) {
  auto unknown = [](std::string_view key) {
    for (const KeyRange& range : unknown_ranges()) {
      if (key >= range.from && (range.to.empty() || key < range.to)) return true;
    }
    return false;
  };
  for (const std::string& key : {format(), next_store(), intern("id"), meta(1), snapshot(1),
                                 patch(1, 7), blob("h"), refs("h"), patch(~0ull >> 1, ~0ull)}) {
    EXPECT_FALSE(unknown(key)) << describe(key);
  }
  for (const std::string& key :
       {std::string(""), std::string("A"), std::string("Fx"), std::string("Nx"), std::string("C"),
        std::string("Z"), std::string("\xff")}) {
    EXPECT_TRUE(unknown(key)) << printable(key);
  }
}

TEST(Keys, PrintableIsOneFormThatMapsBackToTheBytes) {
  std::string every_byte;
  for (int byte = 0; byte < 256; ++byte) every_byte.push_back(static_cast<char>(byte));
  const std::string whole = printable(every_byte, kWhole);
  EXPECT_EQ(whole.find("..."), std::string::npos);
  for (const char c : whole) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << whole;
  EXPECT_EQ(parse_printable(whole), every_byte);
  EXPECT_EQ(printable("bin\x1b[31mred\\"), "bin\\x1b[31mred\\x5c");
  EXPECT_EQ(printable(std::string(100, 'a')), std::string(64, 'a') + "...");
  EXPECT_EQ(parse_printable("notes/2026-11"), "notes/2026-11");
  EXPECT_EQ(parse_printable("\\X41\\x4a"), std::nullopt);  // \X is no escape
  for (const char* bad : {"\\", "a\\x", "\\x4", "\\xzz", "\\n"}) {
    EXPECT_FALSE(parse_printable(bad)) << bad;
  }
}

}  // namespace
}  // namespace sds::core::keys
