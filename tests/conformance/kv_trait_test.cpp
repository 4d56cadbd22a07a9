// The kv trait itself (docs/DESIGN.md section 3), below the core: each
// scheme's kv::Backend, opened through its BackendInfo::open_kv as the core
// would, keeps the rules every backend must keep: bytewise key order, scan
// bounds, a transaction that sees its own writes, rollback when the function
// throws, read-only opens, and the capabilities it declares.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "conformance.hpp"

namespace sds::test {
namespace {

class KvConformance : public ::testing::TestWithParam<BackendUnderTest> {
 protected:
  KvConformance() {
    for (const BackendInfo& info : backend_infos()) {
      if (info.scheme == GetParam().scheme) info_ = info;
    }
    static int names = 0;
    switch (info_.path_kind) {
      case PathKind::file:
        path_ = std::filesystem::weakly_canonical(dir_.path()).string() + "/kv.db";
        break;
      case PathKind::directory:
        path_ = std::filesystem::weakly_canonical(dir_.path()).string() + "/kv";
        break;
      case PathKind::name:
        path_ = "kv-conformance-" + std::to_string(names++);
        break;
      case PathKind::server:
        server_uri_ = GetParam().make_uri(dir_.path());
        break;
    }
  }

  // A kv::Backend of the test's database, as the core opens one: the path
  // canonical, no parameters (every default). No sds handle is open on it.
  std::shared_ptr<kv::Backend> open_kv(bool read_only = false) {
    BackendConfig config;
    config.uri = info_.scheme + ":" + path_;
    config.path = path_;
    if (!server_uri_.empty()) config = server_config(server_uri_);
    config.read_only = read_only;
    auto kv = info_.open_kv(config);
    if (!kv) throw std::runtime_error("open_kv returned null for " + config.uri);
    return kv;
  }

  static void put(kv::Backend& kv, const std::vector<std::string>& keys) {
    kv.update([&](kv::WriteTransaction& txn) {
      for (const std::string& key : keys) txn.put(key, as_bytes("v:" + key));
    });
  }

  // The keys of from <= key < to (to empty: no bound), in the order scanned,
  // at most `limit` of them (the visitor says stop after that).
  static std::vector<std::string> scan(kv::Backend& kv, std::string_view from = "",
                                       std::string_view to = "", std::size_t limit = SIZE_MAX) {
    std::vector<std::string> out;
    kv.view([&](kv::ReadTransaction& txn) {
      txn.scan(from, to, [&](std::string_view key, ByteView value) {
        EXPECT_EQ(text(value), "v:" + std::string(key));
        out.emplace_back(key);
        return out.size() < limit;
      });
    });
    return out;
  }

  static std::optional<std::string> get(kv::Backend& kv, std::string_view key) {
    std::optional<std::string> out;
    kv.view([&](kv::ReadTransaction& txn) {
      if (const auto value = txn.get(key)) out = text(*value);
    });
    return out;
  }

  TempDir dir_;
  std::string server_uri_;  // a server scheme's URI; its path_ stays empty
  BackendInfo info_;
  std::string path_;
};

// Keys of every kind the core writes: bytes above 0x7f, zero bytes, prefixes.
const std::vector<std::string> kKeys = {
    "b",        "a",     "ab", std::string("a\0", 2), std::string("\0", 1), "\x7f", "\x80", "\xff",
    "\xff\xff", "a\x80", "ba", std::string("\0\0", 2)};

TEST_P(KvConformance, KeysAreOrderedBytewiseShorterFirst) {
  auto kv = open_kv();
  put(*kv, kKeys);
  std::vector<std::string> sorted = kKeys;
  std::sort(sorted.begin(), sorted.end());  // std::string compares as unsigned bytes
  EXPECT_EQ(scan(*kv), sorted);
}

TEST_P(KvConformance, ScansKeepTheirBoundsAndStopWhenTold) {
  auto kv = open_kv();
  put(*kv, kKeys);
  EXPECT_EQ(scan(*kv, "a", "b"),
            (std::vector<std::string>{"a", std::string("a\0", 2), "ab", "a\x80"}));
  EXPECT_EQ(scan(*kv, "\x80"), (std::vector<std::string>{"\x80", "\xff", "\xff\xff"}));
  EXPECT_EQ(scan(*kv, "ab", "ab"), std::vector<std::string>{});
  EXPECT_EQ(scan(*kv, "", "", 2),
            (std::vector<std::string>{std::string("\0", 1), std::string("\0\0", 2)}));
}

TEST_P(KvConformance, AWriteTransactionSeesItsOwnWritesAndCommits) {
  auto kv = open_kv();
  put(*kv, {"keep", "gone"});
  kv->update([](kv::WriteTransaction& txn) {
    txn.put("new", as_bytes("v:new"));
    txn.put("keep", as_bytes("v:keep"));
    txn.erase("gone");
    txn.erase("never-was");  // no error
    EXPECT_EQ(text(*txn.get("new")), "v:new");
    EXPECT_FALSE(txn.get("gone").has_value());
    std::vector<std::string> keys;
    txn.scan("", "", [&](std::string_view key, ByteView) {
      keys.emplace_back(key);
      return true;
    });
    EXPECT_EQ(keys, (std::vector<std::string>{"keep", "new"}));
  });
  EXPECT_EQ(scan(*kv), (std::vector<std::string>{"keep", "new"}));
  EXPECT_EQ(get(*kv, "new"), "v:new");
}

// Small values and large ones (64 KiB: out of the row where a backend keeps
// large values apart), over each other, committed and within one transaction.
// concurrent_writes (docs/DESIGN.md section 3.7): two update() calls of two
// threads are inside their functions at the same time. Each function waits
// for the other to enter (a while at most); a backend that runs one update at
// a time lets the second in only after the first gave up waiting. Both writes
// land either way.
TEST_P(KvConformance, ConcurrentWritesOverlapWhereDeclared) {
  const bool declared = GetParam().capabilities.concurrent_writes;
  const auto patience = declared ? std::chrono::seconds(10) : std::chrono::milliseconds(200);
  auto kv = open_kv();
  put(*kv, {"setup"});  // the first write may create what later ones share
  std::atomic<int> inside{0};
  std::atomic<int> overlapped{0};
  auto write = [&](const std::string& key) {
    kv->update([&](kv::WriteTransaction& txn) {
      txn.put(key, as_bytes("v:" + key));
      ++inside;  // a rerun enters again: it only counts more
      const auto give_up = std::chrono::steady_clock::now() + patience;
      while (inside < 2 && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      if (inside >= 2) ++overlapped;
    });
  };
  std::thread a(write, "a");
  std::thread b(write, "b");
  a.join();
  b.join();
  EXPECT_EQ(get(*kv, "a"), "v:a");
  EXPECT_EQ(get(*kv, "b"), "v:b");
  if (declared) {
    EXPECT_GE(overlapped, 2) << "update() calls ran one after the other";
  }
}

TEST_P(KvConformance, InsertStoresOnlyWhereTheKeyIsFree) {
  auto kv = open_kv();
  const std::string large(64 * 1024, 'L');
  const std::string other_large(64 * 1024, 'M');
  put(*kv, {"small", "large"});
  kv->update([&](kv::WriteTransaction& txn) { txn.put("large", as_bytes(large)); });
  kv->update([&](kv::WriteTransaction& txn) {
    EXPECT_FALSE(txn.insert("small", as_bytes("changed")));
    EXPECT_FALSE(txn.insert("small", as_bytes(other_large)));
    EXPECT_FALSE(txn.insert("large", as_bytes("changed")));
    EXPECT_FALSE(txn.insert("large", as_bytes(other_large)));
    EXPECT_TRUE(txn.insert("new-small", as_bytes("v:new-small")));
    EXPECT_TRUE(txn.insert("new-large", as_bytes(other_large)));
    EXPECT_FALSE(txn.insert("new-small", as_bytes("again")));  // its own write counts
    EXPECT_FALSE(txn.insert("new-large", as_bytes("again")));
  });
  EXPECT_EQ(get(*kv, "small"), "v:small");
  EXPECT_EQ(get(*kv, "large"), large);
  EXPECT_EQ(get(*kv, "new-small"), "v:new-small");
  EXPECT_EQ(get(*kv, "new-large"), other_large);
  kv->update([&](kv::WriteTransaction& txn) {
    txn.erase("small");
    EXPECT_TRUE(txn.insert("small", as_bytes("back")));  // an erased key is free
  });
  EXPECT_EQ(get(*kv, "small"), "back");
}

TEST_P(KvConformance, PutPartsStoresThePartsJoined) {
  auto kv = open_kv();
  // Past a page (LMDB: an overflow page) and within one; parts empty too.
  const std::string large(3 * 4096 + 17, 'L');
  put(*kv, {"replaced"});
  kv->update([&](kv::WriteTransaction& txn) {
    const std::array<ByteView, 3> parts = {as_bytes("head:"), as_bytes(""), as_bytes(large)};
    txn.put_parts("large", parts);
    const std::array<ByteView, 2> small = {as_bytes("v:"), as_bytes("replaced")};
    txn.put_parts("replaced", small);
    txn.put_parts("empty", {});
    EXPECT_EQ(text(*txn.get("large")), "head:" + large);  // its own write, before the commit
  });
  EXPECT_EQ(get(*kv, "large"), "head:" + large);
  EXPECT_EQ(get(*kv, "replaced"), "v:replaced");
  EXPECT_EQ(get(*kv, "empty"), "");
  kv->update([&](kv::WriteTransaction& txn) {
    const std::array<ByteView, 1> shorter = {as_bytes("short")};
    txn.put_parts("large", shorter);
  });
  EXPECT_EQ(get(*kv, "large"), "short");
}

TEST_P(KvConformance, EraseRangeRemovesExactlyTheRange) {
  auto kv = open_kv();
  put(*kv, kKeys);
  kv->update([](kv::WriteTransaction& txn) { txn.erase_range("a", "b"); });
  EXPECT_EQ(scan(*kv, "", "b"),
            (std::vector<std::string>{std::string("\0", 1), std::string("\0\0", 2)}));
  EXPECT_EQ(scan(*kv, "b"),
            (std::vector<std::string>{"b", "ba", "\x7f", "\x80", "\xff", "\xff\xff"}));
}

// A range whose end comes before its start holds no key (the memory backend
// once erased from `from` to the end of its map and beyond, as a mutation of
// the core that pruned from clock 1 showed).
TEST_P(KvConformance, AnInvertedRangeErasesNothing) {
  auto kv = open_kv();
  put(*kv, kKeys);
  const std::vector<std::string> before = scan(*kv, "");
  kv->update([](kv::WriteTransaction& txn) {
    txn.erase_range("b", "a");
    txn.erase_range("b", "b");
  });
  EXPECT_EQ(scan(*kv, ""), before);
}

TEST_P(KvConformance, AThrowingFunctionLeavesNothingBehind) {
  auto kv = open_kv();
  put(*kv, {"a", "b", "c"});
  struct Refused : std::runtime_error {
    Refused() : std::runtime_error("refused") {}
  };
  EXPECT_THROW(kv->update([](kv::WriteTransaction& txn) {
    txn.put("a", as_bytes("changed"));
    txn.erase("b");
    txn.erase_range("c", "d");
    txn.put("z", as_bytes("v:z"));
    throw Refused();
  }),
               Refused);
  EXPECT_EQ(scan(*kv), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(get(*kv, "a"), "v:a");
  put(*kv, {"d"});  // and the backend is still usable
  EXPECT_EQ(scan(*kv).size(), 4u);
}

TEST_P(KvConformance, AReadOnlyOpenReadsAndRefusesWrites) {
  put(*open_kv(), {"a"});  // closed again when the statement ends
  auto kv = open_kv(/*read_only=*/true);
  EXPECT_EQ(get(*kv, "a"), "v:a");
  expect_error(Errc::unsupported, [&] { put(*kv, {"b"}); });
  EXPECT_EQ(scan(*kv), std::vector<std::string>{"a"});
}

TEST_P(KvConformance, TheDeclaredCapabilitiesHold) {
  auto kv = open_kv();
  put(*kv, {"a", "b"});
  kv->update([](kv::WriteTransaction& txn) { txn.erase("b"); });
  kv->flush();
  EXPECT_EQ(kv->bytes_on_disk().has_value(), GetParam().capabilities.reports_size);
  if (GetParam().capabilities.compaction) {
    kv->compact();
  } else {
    expect_error(Errc::unsupported, [&] { kv->compact(); });
  }
  EXPECT_EQ(scan(*kv), std::vector<std::string>{"a"});
}

}  // namespace

// A suite of Store-level schemes only has no key-value scheme to run these on.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(KvConformance);
INSTANTIATE_TEST_SUITE_P(Backends, KvConformance, ::testing::ValuesIn(kv_backends_under_test()),
                         backend_name);

}  // namespace sds::test
