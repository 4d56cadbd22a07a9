// Checksums, the format version and foreign data, through each backend's own
// kv trait: a damaged record gives Errc::corruption, never garbage.
//
// These tests write our own on-disk layout by hand (core/keys.hpp,
// core/record.hpp), so they are not part of the installed conformance suite:
// they link sds_internal, and run on the fixture of that suite for every
// built-in scheme.
#include "core/keys.hpp"
#include "core/record.hpp"
#include "tests/conformance/conformance.hpp"
#include "tests/raw_kv.hpp"

namespace sds::test {

// Every scheme this build has (the suite's conformance_schemes(), which
// sds_add_conformance_tests generates for the targets it adds the suite to).
std::vector<std::string> conformance_schemes() { return {}; }

namespace {

class LayoutIntegrity : public Conformance {};

// The first store of a database gets number 1.
constexpr std::uint64_t kFirstStore = 1;

TEST_P(LayoutIntegrity, FlippedByteInASnapshotIsCorruption) {
  open_store()->save_snapshot(Bytes(5000, 's'), 1);
  rewrite(uri_, core::keys::snapshot(kFirstStore), [](Bytes& value) { value.back() ^= 0x20; });
  auto store = open_store();
  const std::string message = expect_error(Errc::corruption, [&] { store->load_snapshot(); });
  EXPECT_NE(message.find("snapshot of store #1"), std::string::npos) << message;
  EXPECT_NE(message.find("store 'doc'"), std::string::npos) << message;
}

TEST_P(LayoutIntegrity, FlippedByteInAPatchOrBlobIsCorruption) {
  {
    auto store = open_store();
    store->append_patch(bytes("patch one"), 1);
    store->save_value("h", bytes("blob"));
  }
  rewrite(uri_, core::keys::blob("h"), [](Bytes& value) { value[3] ^= 1; });  // in the header
  expect_error(Errc::corruption, [&] { open_store()->load_value("h"); });
  // Opening the store counts the patches after the snapshot: a damaged one is
  // reported there already, or at the latest when it is read.
  rewrite(uri_, core::keys::patch(kFirstStore, 1), [](Bytes& value) { value[20] ^= 1; });
  const std::string message =
      expect_error(Errc::corruption, [&] { open_store()->load_patches_since(0); });
  EXPECT_NE(message.find("patch at clock 1"), std::string::npos) << message;
}

TEST_P(LayoutIntegrity, ARecordCopiedUnderAnotherKeyIsCorruption) {
  {
    auto store = open_store();
    store->append_patch(bytes("one"), 1);
    store->append_patch(bytes("two"), 2);
  }
  with_raw_kv(uri_, [](kv::WriteTransaction& txn) {
    const ByteView stored = *txn.get(core::keys::patch(kFirstStore, 1));
    const Bytes one(stored.begin(), stored.end());
    txn.put(core::keys::patch(kFirstStore, 2), one);
  });
  expect_error(Errc::corruption, [&] { open_store()->load_patches_since(1); });
}

TEST_P(LayoutIntegrity, TruncatedRecordIsCorruption) {
  open_store()->save_value("h", Bytes(1000, 'v'));
  rewrite(uri_, core::keys::blob("h"), [](Bytes& value) { value.resize(10); });
  auto store = open_store();
  expect_error(Errc::corruption, [&] { store->load_value("h"); });
}

TEST_P(LayoutIntegrity, NewerFormatIsRefusedWithVersion) {
  open_db()->close();
  const std::string key = core::keys::format();
  with_raw_kv(uri_, [&](kv::WriteTransaction& txn) {
    Bytes payload = bytes(std::string("sds-persistence\0", 16));
    for (std::uint8_t byte : {99, 0, 0, 0}) payload.push_back(byte);
    txn.put(key, core::encode_raw(key, payload));
  });
  const std::string message = expect_error(Errc::version, [&] { open_db(); });
  EXPECT_NE(message.find("format 99"), std::string::npos) << message;
}

TEST_P(LayoutIntegrity, DataOfAnotherLayoutIsRefused) {
  with_raw_kv(uri_, [](kv::WriteTransaction& txn) { txn.put("foreign", bytes("data")); });
  expect_error(Errc::corruption, [&] { open_db(); });
}

TEST_P(LayoutIntegrity, DropStoreLeavesNoRecordBehind) {
  {
    auto db = open_db();
    auto doc = db->store("doc");
    doc->checkpoint(Bytes(3000, 's'), 5);
    for (Clock clock = 0; clock < 20; ++clock) doc->append_patch(bytes("patch"), clock);
    doc->save_value("h", bytes("blob"));
    db->store("other")->append_patch(bytes("kept"), 1);
    db->drop_store("doc");
  }
  // Checked below the API: the store's snapshot, header and patches and its
  // id table entry are gone; the other store and the blob are not.
  std::vector<std::string> left;
  for (const std::string& key : all_keys(uri_)) {
    if (key != core::keys::format() && key != core::keys::next_store()) left.push_back(key);
  }
  const std::uint64_t other = kFirstStore + 1;
  EXPECT_EQ(left, (std::vector<std::string>{core::keys::blob("h"), core::keys::intern("other"),
                                            core::keys::refs("h"), core::keys::patch(other, 1)}));
}

INSTANTIATE_TEST_SUITE_P(Backends, LayoutIntegrity, ::testing::ValuesIn(kv_backends_under_test()),
                         backend_name);

}  // namespace
}  // namespace sds::test
