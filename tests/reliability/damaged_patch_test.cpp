// Availability with one damaged patch (docs/DESIGN.md section 6.2): the
// database and the store open, reading the damaged patch throws corruption,
// everything else stays readable and writable, and a checkpoint past the
// damage removes it without reading it.
#include "core/keys.hpp"
#include "core/record.hpp"
#include "tests/conformance/conformance.hpp"
#include "tests/raw_kv.hpp"

namespace sds::test {
namespace {

class DamagedPatch : public Conformance {
 protected:
  DamagedPatch() {
    auto store = open_store();
    store->save_snapshot(bytes("snapshot at 2"), 2);
    for (Clock clock = 3; clock <= 8; ++clock) store->append_patch(patch(clock), clock);
    store->save_value("h", bytes("blob"));
  }
  static Bytes patch(Clock clock) { return bytes("patch " + std::to_string(clock)); }
  // The patch bytes after the snapshot: clocks 3 to 8, 7 bytes each.
  static constexpr std::uint64_t kAccumulated = 6 * 7;

  // Damages the patch at clock 5, then checks everything but its read.
  void damage_and_check(const std::function<void(Bytes&)>& change, std::uint64_t accumulated) {
    rewrite(uri_, core::keys::patch(1, 5), change);
    auto database = open_db();
    EXPECT_EQ(database->stores(), std::vector<std::string>{"doc"});
    auto store = database->store("doc");
    EXPECT_EQ(store->accumulated_bytes(), accumulated);
    EXPECT_EQ(store->stats().patch_count, 6u);
    expect_error(Errc::corruption, [&] { store->load_patches_since(4); });
    expect_error(Errc::corruption,
                 [&] { store->visit_patches_since(0, [](Clock, ByteView) { return true; }); });
    EXPECT_EQ(text(*store->load_snapshot()), "snapshot at 2");
    EXPECT_EQ(store->load_patches_since(5), (std::vector<Bytes>{patch(6), patch(7), patch(8)}));
    EXPECT_EQ(text(*store->load_value("h")), "blob");
    store->append_patch(patch(9), 9);
    // The checkpoint deletes the damaged patch unread; the store is whole again.
    store->checkpoint(bytes("snapshot at 6"), 6);
    EXPECT_EQ(store->load_patches_since(0),
              (std::vector<Bytes>{patch(6), patch(7), patch(8), patch(9)}));
    EXPECT_EQ(store->accumulated_bytes(), 3 * 7u);
  }
};

TEST_P(DamagedPatch, AFlippedPayloadByteLeavesTheRestReadable) {
  damage_and_check([](Bytes& value) { value.back() ^= 0x20; }, kAccumulated);
}

TEST_P(DamagedPatch, ATruncatedRecordCountsNothingAndLeavesTheRestReadable) {
  damage_and_check([](Bytes& value) { value.resize(5); }, kAccumulated - 7);
}

TEST_P(DamagedPatch, ADamagedSizeCountsAsDeclaredAndLeavesTheRestReadable) {
  // Raw size 7 + 256: the figure counts what the header declares (section 6.2).
  damage_and_check([](Bytes& value) { value[2] ^= 0x01; }, kAccumulated + 256);
}

INSTANTIATE_TEST_SUITE_P(Backends, DamagedPatch, ::testing::ValuesIn(kv_backends_under_test()),
                         backend_name);

}  // namespace
}  // namespace sds::test
