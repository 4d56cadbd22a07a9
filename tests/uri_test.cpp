#include "core/uri.hpp"

#include <gtest/gtest.h>

#include "core/size_units.hpp"
#include "sds/error.hpp"

namespace sds::core {
namespace {

Errc error_of(std::string_view uri) {
  try {
    parse_uri(uri);
  } catch (const Error& error) {
    return error.code();
  }
  return Errc::closed;  // no error: never expected here
}

TEST(Uri, Forms) {
  Uri uri = parse_uri("sqlite:data/x.db");
  EXPECT_EQ(uri.scheme, "sqlite");
  EXPECT_FALSE(uri.has_authority);
  EXPECT_EQ(uri.path, "data/x.db");
  EXPECT_EQ(parse_uri("sqlite:/abs/x.db").path, "/abs/x.db");
  uri = parse_uri("sqlite:///abs/x.db");
  EXPECT_TRUE(uri.has_authority);
  EXPECT_EQ(uri.authority, "");
  EXPECT_EQ(uri.path, "/abs/x.db");
  uri = parse_uri("postgres://user@host:5432/db?sslmode=require");
  EXPECT_EQ(uri.authority, "user@host:5432");
  EXPECT_EQ(uri.path, "/db");
  EXPECT_EQ(parse_uri("sqlite::memory:").path, ":memory:");
  EXPECT_EQ(parse_uri("memory:").path, "");
  EXPECT_EQ(parse_uri("sqlite:../up/x.db").path, "../up/x.db");
}

TEST(Uri, SchemeIsCaseInsensitiveLettersDigitsPlusMinusDot) {
  EXPECT_EQ(parse_uri("SQLite:x").scheme, "sqlite");
  EXPECT_EQ(parse_uri("sds-node:x").scheme, "sds-node");
  EXPECT_EQ(parse_uri("a+b.c-1:x").scheme, "a+b.c-1");
  EXPECT_EQ(error_of("sq_lite:x"), Errc::invalid_argument);
  EXPECT_EQ(error_of("sq lite:x"), Errc::invalid_argument);
  EXPECT_EQ(error_of(":x"), Errc::invalid_argument);
  EXPECT_EQ(error_of("nocolon"), Errc::invalid_argument);
}

TEST(Uri, PercentDecodingOnceAndPlusIsLiteral) {
  EXPECT_EQ(parse_uri("sqlite:a%20b%2Fc").path, "a b/c");
  EXPECT_EQ(parse_uri("sqlite:a%2520b").path, "a%20b");  // once, not twice
  EXPECT_EQ(parse_uri("sqlite:a+b").path, "a+b");
  EXPECT_EQ(parse_uri("sqlite:x?k%3D=v%26w").params.at(0),
            (std::pair<std::string, std::string>{"k=", "v&w"}));
  EXPECT_EQ(error_of("sqlite:a%zz"), Errc::invalid_argument);
  EXPECT_EQ(error_of("sqlite:a%2"), Errc::invalid_argument);
  EXPECT_EQ(error_of("sqlite:a%"), Errc::invalid_argument);
  EXPECT_EQ(error_of("sqlite:x?k=%g0"), Errc::invalid_argument);
}

TEST(Uri, Parameters) {
  const Uri uri = parse_uri("lmdb:dir?map_size=64MiB&sync=full");
  ASSERT_EQ(uri.params.size(), 2u);
  EXPECT_EQ(uri.params[0].first, "map_size");
  EXPECT_EQ(uri.params[1].second, "full");
  EXPECT_EQ(parse_uri("lmdb:dir?k=").params.at(0).second, "");
  EXPECT_EQ(error_of("lmdb:dir?sync=full&sync=off"), Errc::invalid_argument);
  EXPECT_EQ(error_of("lmdb:dir?=v"), Errc::invalid_argument);
  EXPECT_EQ(error_of("lmdb:dir?novalue"), Errc::invalid_argument);
  EXPECT_EQ(error_of("lmdb:dir?"), Errc::invalid_argument);
  EXPECT_EQ(error_of("lmdb:dir?a=1&&b=2"), Errc::invalid_argument);
}

TEST(Uri, MaskPassword) {
  EXPECT_EQ(mask_password("postgres://me:secret@host/db"), "postgres://me:***@host/db");
  EXPECT_EQ(mask_password("postgres://me@host/db?password=secret&x=1"),
            "postgres://me@host/db?password=***&x=1");
  EXPECT_EQ(mask_password("sqlite:/a:b@c"), "sqlite:/a:b@c");
  // The key as the parser decodes it, and libpq's sslpassword.
  EXPECT_EQ(mask_password("sqlite:/x?pass%77ord=secret&sync=full"),
            "sqlite:/x?pass%77ord=***&sync=full");
  EXPECT_EQ(mask_password("postgres://h/db?sslpassword=s3&x=1"),
            "postgres://h/db?sslpassword=***&x=1");
  EXPECT_EQ(mask_password("a=1&b=2"), "a=1&b=2");
}

TEST(SizeUnits, ParsesUnitsAndRefusesTheRest) {
  EXPECT_EQ(parse_size("4096", "p", "memory:x"), 4096u);
  EXPECT_EQ(parse_size("512KiB", "p", "memory:x"), 512u << 10);
  EXPECT_EQ(parse_size("64MiB", "p", "memory:x"), 64u << 20);
  EXPECT_EQ(parse_size("2GiB", "p", "memory:x"), 2ull << 30);
  EXPECT_EQ(parse_size("1TiB", "p", "memory:x"), 1ull << 40);
  EXPECT_EQ(parse_size("3MB", "p", "memory:x"), 3000000u);
  EXPECT_EQ(parse_size("7B", "p", "memory:x"), 7u);
  for (const char* bad : {"", "MiB", "1.5MiB", "-1", "12XB", "64mib", "99999999999TiB", "1 MiB"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(parse_size(bad, "p", "memory:x"), Error);
  }
  EXPECT_EQ(parse_integer("19", "level", 1, 22, "memory:x"), 19);
  EXPECT_THROW(parse_integer("23", "level", 1, 22, "memory:x"), Error);
  EXPECT_THROW(parse_integer("3x", "level", 1, 22, "memory:x"), Error);
}

TEST(SizeUnits, FormatSizeIsTheInverseOfParseSize) {
  EXPECT_EQ(format_size(512 * 1024), "512KiB");
  EXPECT_EQ(format_size(64ull << 20), "64MiB");
  EXPECT_EQ(format_size(5000), "5000");
  for (std::uint64_t bytes : {0ull, 1ull, 1023ull, 1024ull, 1536ull, 1ull << 40, 3ull << 41}) {
    EXPECT_EQ(parse_size(format_size(bytes), "x", "memory:x"), bytes) << format_size(bytes);
  }
}

}  // namespace
}  // namespace sds::core
