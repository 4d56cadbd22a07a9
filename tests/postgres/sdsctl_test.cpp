// sdsctl on postgres:// (docs/SDSCTL.md): copy in and out, stat and verify, on
// the server of the postgres_server fixture, the password never printed.
#include <gtest/gtest.h>

#include "tests/postgres/server.hpp"
#include "tests/sdsctl_support.hpp"

namespace sds::test {
namespace {

class SdsctlPostgres : public SdsctlTest {
 protected:
  // Nothing sdsctl prints holds the password.
  static void expect_masked(const Result& result) {
    for (const std::string* text : {&result.out, &result.err}) {
      EXPECT_EQ(text->find(pg::setting("password")), std::string::npos) << *text;
    }
  }
};

TEST_F(SdsctlPostgres, CopyThroughPostgresIsByteIdenticalAndStatAndVerifyWork) {
  fill(sqlite("origin.db"));
  const std::string server = pg::server_uri();
  const Result in = sdsctl({"copy", sqlite("origin.db"), server});
  ASSERT_EQ(in.exit_code, 0) << in.err;
  EXPECT_NE(in.out.find("2 stores"), std::string::npos) << in.out;
  expect_masked(in);
  const Result stat = sdsctl({"stat", server});
  EXPECT_EQ(stat.exit_code, 0) << stat.err;
  EXPECT_NE(stat.out.find("postgres:***@"), std::string::npos) << stat.out;
  expect_masked(stat);
  const Result verify = sdsctl({"verify", server});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  expect_masked(verify);
  const Result out = sdsctl({"copy", server, sqlite("back.db")});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  expect_masked(out);
  ASSERT_EQ(sdsctl({"export", sqlite("origin.db"), path("origin.sdsa")}).exit_code, 0);
  ASSERT_EQ(sdsctl({"export", sqlite("back.db"), path("back.sdsa")}).exit_code, 0);
  EXPECT_EQ(read_file(path("origin.sdsa")), read_file(path("back.sdsa")));
}

TEST_F(SdsctlPostgres, AWrongPasswordIsReportedWithoutIt) {
  const std::string uri =
      "postgres://postgres:wrong-s3cret@127.0.0.1:" + std::to_string(pg::server_port()) +
      "/postgres";
  const Result stat = sdsctl({"stat", uri});
  EXPECT_EQ(stat.exit_code, 6) << stat.err;  // io_error
  EXPECT_EQ(stat.err.find("wrong-s3cret"), std::string::npos) << stat.err;
  EXPECT_NE(stat.err.find("authentication failed"), std::string::npos) << stat.err;
}

}  // namespace
}  // namespace sds::test
