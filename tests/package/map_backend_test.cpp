// The out-of-tree backend of map_backend.cpp under the installed conformance
// suite (sds_add_conformance_tests in CMakeLists.txt), plus what only the kv
// trait shows: a transaction whose function throws leaves nothing behind.
#include "map_backend.hpp"

#include <gtest/gtest.h>

#include <sds/sds.hpp>
#include <stdexcept>

namespace {

// The suite lists its schemes while GoogleTest starts: register before main().
const bool registered = [] {
  sds::register_backend(mapkv::backend_info());
  return true;
}();

std::shared_ptr<sds::kv::Backend> open_kv(const std::string& name) {
  for (const sds::BackendInfo& info : sds::backend_infos()) {
    if (info.scheme != "mapkv") continue;
    sds::BackendConfig config;
    config.uri = "mapkv:" + name;
    config.path = name;
    return info.open_kv(config);
  }
  throw std::runtime_error("mapkv is not registered");
}

std::string value_of(sds::kv::Backend& kv, std::string_view key) {
  std::string out = "(none)";
  kv.view([&](sds::kv::ReadTransaction& txn) {
    if (const auto value = txn.get(key)) out = std::string(sds::as_chars(*value));
  });
  return out;
}

TEST(MapKv, IsRegisteredWithTheCapabilitiesItDeclares) {
  ASSERT_TRUE(registered);
  for (const sds::BackendInfo& info : sds::backend_infos()) {
    if (info.scheme != "mapkv") continue;
    EXPECT_FALSE(info.capabilities.persistent);
    EXPECT_FALSE(info.capabilities.multi_process);
    return;
  }
  FAIL() << "mapkv is not in sds::backend_infos()";
}

TEST(MapKv, AThrowingTransactionIsRolledBack) {
  auto kv = open_kv("rollback");
  kv->update([](sds::kv::WriteTransaction& txn) {
    txn.put("a", sds::as_bytes("1"));
    txn.put("b", sds::as_bytes("2"));
  });
  EXPECT_THROW(kv->update([](sds::kv::WriteTransaction& txn) {
    txn.put("a", sds::as_bytes("changed"));
    txn.erase("b");
    txn.put("c", sds::as_bytes("new"));
    EXPECT_EQ(std::string(sds::as_chars(*txn.get("a"))), "changed");  // its own writes
    throw std::runtime_error("changed my mind");
  }),
               std::runtime_error);
  EXPECT_EQ(value_of(*kv, "a"), "1");
  EXPECT_EQ(value_of(*kv, "b"), "2");
  EXPECT_EQ(value_of(*kv, "c"), "(none)");
}

TEST(MapKv, AnErrorOfTheLibraryCrossesTheBoundaryWithItsCode) {
  // Thrown inside libsds, caught here by its type: sds::Error's typeinfo is exported.
  try {
    sds::open_database("mapkv:absent", {.read_only = true});
    FAIL() << "a read-only open of a missing map succeeded";
  } catch (const sds::Error& error) {
    EXPECT_EQ(error.code(), sds::Errc::not_found) << error.what();
  }
}

}  // namespace
