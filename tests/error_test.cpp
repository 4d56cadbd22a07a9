// sds::Error: the message and the advice are separate fields; what() joins them.
#include "sds/error.hpp"

#include <gtest/gtest.h>

namespace sds {
namespace {

TEST(Error, AdviceIsAFieldOfItsOwn) {
  const Error error(Errc::busy, "cannot open 'sqlite:a.db': locked", "retry later");
  EXPECT_EQ(error.code(), Errc::busy);
  EXPECT_EQ(error.message(), "cannot open 'sqlite:a.db': locked");
  EXPECT_EQ(error.advice(), "retry later");
  EXPECT_STREQ(error.what(), "cannot open 'sqlite:a.db': locked; retry later");

  const Error bare(Errc::closed, "store 'doc' of 'memory:' is closed");
  EXPECT_EQ(bare.message(), "store 'doc' of 'memory:' is closed");
  EXPECT_EQ(bare.advice(), "");
  EXPECT_STREQ(bare.what(), "store 'doc' of 'memory:' is closed");

  // A message that holds "; " itself keeps it: the fields are not found by
  // searching the text.
  const Error semicolon(Errc::io_error, "a; b", "c; d");
  EXPECT_EQ(semicolon.message(), "a; b");
  EXPECT_EQ(semicolon.advice(), "c; d");
  const Error copy = semicolon;  // copies share what(): no allocation, no throw
  EXPECT_EQ(copy.advice(), "c; d");
}

}  // namespace
}  // namespace sds
