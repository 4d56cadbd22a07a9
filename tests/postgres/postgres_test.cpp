// The postgres:// backend's own promises (docs/DESIGN.md section 8.6): its
// URIs, its typed errors, and reconnecting after a dropped connection, on the
// server of the postgres_server fixture. The conformance suite runs on it too.
#include <gtest/gtest.h>

#include <sds/sds.hpp>

#include "tests/conformance/test_support.hpp"
#include "tests/postgres/server.hpp"

namespace sds::test {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string with_password(const std::string& password, const std::string& rest) {
  return "postgres://postgres:" + password + "@127.0.0.1:" + std::to_string(pg::server_port()) +
         rest;
}

TEST(Postgres, AWrongPasswordIsAnIoErrorThatNeverShowsThePassword) {
  const std::string message = expect_error(Errc::io_error, [] {
    sds::open_database(with_password("not-the-s3cret", "/postgres?table=" + pg::fresh_table()));
  });
  EXPECT_TRUE(contains(message, "authentication failed")) << message;
  EXPECT_FALSE(contains(message, "not-the-s3cret")) << message;
  EXPECT_TRUE(contains(message, "postgres:***@")) << message;
}

TEST(Postgres, AMissingDatabaseIsNotFound) {
  const std::string message = expect_error(Errc::not_found, [] {
    sds::open_database(with_password(pg::setting("password"), "/no_such_database"));
  });
  EXPECT_TRUE(contains(message, "does not exist")) << message;
}

TEST(Postgres, AnUnreachableServerIsAnIoError) {
  const std::string message = expect_error(
      Errc::io_error, [] { sds::open_database("postgres://postgres:pw@127.0.0.1:1/postgres"); });
  EXPECT_TRUE(contains(message, "cannot connect")) << message;
  EXPECT_FALSE(contains(message, ":pw@")) << message;
}

TEST(Postgres, ParametersAreCheckedAndLibpqsPassThrough) {
  expect_error(Errc::invalid_argument, [] { sds::open_database(pg::server_uri("table=x;drop")); });
  expect_error(Errc::invalid_argument, [] { sds::open_database(pg::server_uri("nosuch=1")); });
  expect_error(Errc::invalid_argument, [] { sds::open_database(pg::server_uri("timeout=5")); });
  // user given in the address and as a parameter
  expect_error(Errc::invalid_argument, [] { sds::open_database(pg::server_uri("user=postgres")); });
  auto database = sds::open_database(pg::server_uri("application_name=sds-params&sslmode=disable"));
  database->store("doc")->append_patch(bytes("p"), 1);
  EXPECT_FALSE(contains(database->uri(), pg::setting("password"))) << database->uri();
}

TEST(Postgres, TwoTablesAreTwoDatabasesAndReopensShareOne) {
  const std::string table = pg::fresh_table();
  auto a = sds::open_database(pg::server_uri("table=" + table));
  auto b = sds::open_database(pg::server_uri("table=" + pg::fresh_table()));
  a->store("doc")->append_patch(bytes("in a"), 1);
  EXPECT_TRUE(b->store("doc")->load_patches_since(0).empty());
  auto again = sds::open_database(pg::server_uri("table=" + table));
  ASSERT_EQ(again->store("doc")->load_patches_since(0).size(), 1u);
}

TEST(Postgres, TheHandleCacheKeysOnTheWholeConnectionTarget) {
  const std::string table = pg::fresh_table();
  auto a = sds::open_database(pg::server_uri("table=" + table + "&application_name=a"));
  // The same target with other libpq parameters: one database, opened twice.
  expect_error(Errc::invalid_argument, [&] {
    sds::open_database(pg::server_uri("table=" + table + "&application_name=b"));
  });
  // Another host name (of the same server): another target, opened on its own.
  const std::string other_host = "postgres://postgres:" + pg::setting("password") +
                                 "@localhost:" + std::to_string(pg::server_port()) +
                                 "/postgres?table=" + table + "&application_name=b";
  auto b = sds::open_database(other_host);
  a->store("doc")->append_patch(bytes("through a"), 1);
  EXPECT_EQ(b->store("doc")->load_patches_since(0).size(), 1u);
}

TEST(Postgres, AReadOnlyOpenOfAMissingTableIsNotFound) {
  expect_error(Errc::not_found, [] { sds::open_database(pg::server_uri(), {.read_only = true}); });
}

TEST(Postgres, AnotherApplicationsTableIsCorruptionAndLeftAlone) {
  const std::string table = pg::fresh_table();
  pg::sql(pg::server_port(), "CREATE TABLE " + table + " (id integer PRIMARY KEY, name text)");
  pg::sql(pg::server_port(), "INSERT INTO " + table + " VALUES (1, 'kept')");
  expect_error(Errc::corruption, [&] { sds::open_database(pg::server_uri("table=" + table)); });
  EXPECT_EQ(pg::sql(pg::server_port(), "SELECT name FROM " + table), "kept");
}

TEST(Postgres, ADroppedConnectionReconnectsOnTheNextCall) {
  auto store = sds::open(pg::server_uri("application_name=sds-dropped"), "doc");
  store->append_patch(bytes("before"), 1);
  const std::string killed =
      pg::sql(pg::server_port(),
              "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
              "WHERE application_name = 'sds-dropped'");
  EXPECT_NE(killed, "0");
  // A write reruns its transaction once on a new connection.
  store->append_patch(bytes("after"), 2);
  const auto patches = store->load_patches_since(0);
  ASSERT_EQ(patches.size(), 2u);
  EXPECT_EQ(text(patches[1]), "after");
}

}  // namespace
}  // namespace sds::test
