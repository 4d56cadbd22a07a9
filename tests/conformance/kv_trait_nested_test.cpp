// The key-value trait's transaction rules, run against every scheme's
// backend directly (through its BackendInfo::open_kv): what the core relies
// on for atomic checkpoints and for group commit.
#include <optional>
#include <stdexcept>

#include "conformance.hpp"

namespace sds::test {
namespace {

struct Thrown : std::runtime_error {
  Thrown() : std::runtime_error("thrown by the test") {}
};

class KvTrait : public Conformance {
 protected:
  // The scheme's backend on the fixture's URI, without the core on top.
  std::shared_ptr<kv::Backend> open_backend() {
    const std::size_t colon = uri_.find(':');
    const std::string scheme = uri_.substr(0, colon);
    for (const BackendInfo& info : backend_infos()) {
      if (info.scheme != scheme) continue;
      if (info.path_kind == PathKind::server) return info.open_kv(server_config(uri_));
      BackendConfig config;
      config.uri = uri_;
      config.path = uri_.substr(colon + 1);
      return info.open_kv(config);
    }
    throw std::logic_error("no backend for " + uri_);
  }

  static std::optional<std::string> value_of(kv::ReadTransaction& txn, std::string_view key) {
    const auto value = txn.get(key);
    if (!value) return std::nullopt;
    return text(*value);
  }

  std::optional<std::string> committed(std::string_view key) {
    std::optional<std::string> out;
    backend_->view([&](kv::ReadTransaction& txn) { out = value_of(txn, key); });
    return out;
  }

  void SetUp() override { backend_ = open_backend(); }

  std::shared_ptr<kv::Backend> backend_;
};

TEST_P(KvTrait, UpdateCommitsWhenFnReturnsAndRollsBackWhenItThrows) {
  backend_->update([](kv::WriteTransaction& txn) { txn.put("kept", bytes("1")); });
  EXPECT_THROW(backend_->update([](kv::WriteTransaction& txn) {
    txn.put("lost", bytes("2"));
    txn.put("kept", bytes("overwritten"));
    txn.erase_range("a", "z");
    throw Thrown();
  }),
               Thrown);
  EXPECT_EQ(committed("kept"), "1");
  EXPECT_EQ(committed("lost"), std::nullopt);
}

TEST_P(KvTrait, NestedThatThrowsUndoesOnlyItsOwnWrites) {
  backend_->update([](kv::WriteTransaction& txn) {
    txn.put("a", bytes("old a"));
    txn.put("c", bytes("old c"));
  });
  backend_->update([](kv::WriteTransaction& txn) {
    txn.put("before", bytes("1"));
    EXPECT_THROW(txn.nested([](kv::WriteTransaction& inner) {
      inner.put("a", bytes("new a"));
      inner.erase("c");
      inner.put("b", bytes("new b"));
      EXPECT_EQ(value_of(inner, "a"), "new a");  // reads see the nested writes
      EXPECT_EQ(value_of(inner, "c"), std::nullopt);
      throw Thrown();
    }),
                 Thrown);
    EXPECT_EQ(value_of(txn, "a"), "old a");
    EXPECT_EQ(value_of(txn, "b"), std::nullopt);
    EXPECT_EQ(value_of(txn, "c"), "old c");
    EXPECT_EQ(value_of(txn, "before"), "1");
    txn.put("after", bytes("2"));
  });
  EXPECT_EQ(committed("a"), "old a");
  EXPECT_EQ(committed("b"), std::nullopt);
  EXPECT_EQ(committed("c"), "old c");
  EXPECT_EQ(committed("before"), "1");
  EXPECT_EQ(committed("after"), "2");
}

// What the group commit does when the first write of a group fails: a nested
// call that throws before anything else was written leaves the transaction
// empty, and the writes after it commit (LMDB runs such a first nested call in
// the transaction itself, and reruns the transaction when it throws).
TEST_P(KvTrait, NestedThatThrowsAsTheFirstWriteLeavesNothing) {
  backend_->update([](kv::WriteTransaction& txn) { txn.put("a", bytes("old a")); });
  backend_->update([](kv::WriteTransaction& txn) {
    EXPECT_THROW(txn.nested([](kv::WriteTransaction& inner) {
      inner.put("b", bytes("new b"));
      inner.erase_range("a", "c");
      inner.put("a", bytes("new a"));
      inner.nested([](kv::WriteTransaction& innermost) { innermost.erase("a"); });
      throw Thrown();
    }),
                 Thrown);
    EXPECT_EQ(value_of(txn, "a"), "old a");
    EXPECT_EQ(value_of(txn, "b"), std::nullopt);
    txn.nested([](kv::WriteTransaction& inner) { inner.put("c", bytes("c")); });
    txn.put("d", bytes("d"));
  });
  EXPECT_EQ(committed("a"), "old a");
  EXPECT_EQ(committed("b"), std::nullopt);
  EXPECT_EQ(committed("c"), "c");
  EXPECT_EQ(committed("d"), "d");
}

TEST_P(KvTrait, NestedThatReturnsJoinsTheTransactionAndItsRollback) {
  backend_->update([](kv::WriteTransaction& txn) {
    txn.nested([](kv::WriteTransaction& inner) { inner.put("joined", bytes("1")); });
    EXPECT_EQ(value_of(txn, "joined"), "1");
  });
  EXPECT_EQ(committed("joined"), "1");
  EXPECT_THROW(backend_->update([](kv::WriteTransaction& txn) {
    txn.nested([](kv::WriteTransaction& inner) { inner.put("joined then lost", bytes("1")); });
    throw Thrown();
  }),
               Thrown);
  EXPECT_EQ(committed("joined then lost"), std::nullopt);
}

TEST_P(KvTrait, NestedRollbackRestoresErasedRanges) {
  backend_->update([](kv::WriteTransaction& txn) {
    for (const char* key : {"k1", "k2", "k3", "k4", "k5"}) txn.put(key, bytes(key));
  });
  backend_->update([](kv::WriteTransaction& txn) {
    txn.erase_range("k1", "k2");  // outside the nested call: stays erased
    EXPECT_THROW(txn.nested([](kv::WriteTransaction& inner) {
      inner.erase_range("k2", "k5");
      inner.put("k3", bytes("rewritten"));
      throw Thrown();
    }),
                 Thrown);
    std::string seen;
    txn.scan("k", "l", [&](std::string_view key, ByteView) {
      seen += std::string(key) + " ";
      return true;
    });
    EXPECT_EQ(seen, "k2 k3 k4 k5 ");
  });
  EXPECT_EQ(committed("k1"), std::nullopt);
  for (const char* key : {"k2", "k3", "k4", "k5"}) EXPECT_EQ(committed(key), key);
}

TEST_P(KvTrait, NestedCallsUnwindOneLevelAtATime) {
  backend_->update([](kv::WriteTransaction& txn) {
    txn.nested([](kv::WriteTransaction& outer) {
      outer.put("x", bytes("1"));
      EXPECT_THROW(outer.nested([](kv::WriteTransaction& inner) {
        inner.put("y", bytes("2"));
        inner.erase("x");
        throw Thrown();
      }),
                   Thrown);
      EXPECT_EQ(value_of(outer, "x"), "1");
      outer.put("z", bytes("3"));
    });
    EXPECT_THROW(txn.nested([](kv::WriteTransaction& outer) {
      outer.put("w", bytes("4"));
      outer.nested([](kv::WriteTransaction& inner) { inner.put("v", bytes("5")); });
      throw Thrown();  // takes the inner call's committed writes with it
    }),
                 Thrown);
  });
  EXPECT_EQ(committed("x"), "1");
  EXPECT_EQ(committed("y"), std::nullopt);
  EXPECT_EQ(committed("z"), "3");
  EXPECT_EQ(committed("w"), std::nullopt);
  EXPECT_EQ(committed("v"), std::nullopt);
}

}  // namespace

// A suite of Store-level schemes only has no key-value scheme to run these on.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(KvTrait);
INSTANTIATE_TEST_SUITE_P(Backends, KvTrait, ::testing::ValuesIn(kv_backends_under_test()),
                         backend_name);

}  // namespace sds::test
