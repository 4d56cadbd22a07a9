// Where LMDB's data file is mapped, read from /proc/self/maps: the parsing of
// its lines, and finding a mapping this test makes itself among hundreds
// (more text than the reader's buffer holds at once).
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "backends/lmdb/map_address.hpp"

namespace sds::backend::lmdb {
namespace {

TEST(LmdbMapAddress, ReadsTheNumbersOfAMapsLine) {
  const auto line =
      parse_maps_line("7f1234560000-7f1234580000 r--s 00001000 fd:01 1234567 /tmp/x/data.mdb");
  ASSERT_TRUE(line);
  EXPECT_EQ(line->start, 0x7f1234560000u);
  EXPECT_EQ(line->end, 0x7f1234580000u);
  EXPECT_EQ(line->offset, 0x1000u);
  EXPECT_EQ(line->major, 0xfdu);
  EXPECT_EQ(line->minor, 0x01u);
  EXPECT_EQ(line->inode, 1234567u);
  // A 32-bit process's line, a major number of three digits, no path.
  const auto short_line = parse_maps_line("b6f00000-b6f21000 rw-p 00000000 103:02 42");
  ASSERT_TRUE(short_line);
  EXPECT_EQ(short_line->start, 0xb6f00000u);
  EXPECT_EQ(short_line->major, 0x103u);
  EXPECT_EQ(short_line->inode, 42u);
}

TEST(LmdbMapAddress, RefusesLinesOfAnotherShape) {
  for (const char* text : {"", "garbage", "1000-2000", "1000-2000 r--p", "zz-2000 r--p 0 0:0 0",
                           "1000-2000 r--p 0 0-0 0", "1000-2000 r--p 0 0:0 x"}) {
    EXPECT_FALSE(parse_maps_line(text)) << text;
  }
}

TEST(LmdbMapAddress, FindsAMappingOfAFileAmongHundreds) {
  const long page = sysconf(_SC_PAGESIZE);
  const auto dir =
      std::filesystem::temp_directory_path() / ("sds-map-address-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "data.mdb").string();
  std::ofstream(file) << std::string(3 * page, 'x');
  // Anonymous mappings that the kernel cannot merge (every other one
  // unreadable): each a line of /proc/self/maps.
  std::vector<void*> others;
  for (int i = 0; i < 300; ++i) {
    void* other =
        mmap(nullptr, page, i % 2 ? PROT_READ : PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(other, MAP_FAILED);
    others.push_back(other);
  }
  std::FILE* handle = std::fopen(file.c_str(), "r");
  ASSERT_NE(handle, nullptr);
  void* map = mmap(nullptr, 3 * page, PROT_READ, MAP_SHARED, fileno(handle), 0);
  std::fclose(handle);
  ASSERT_NE(map, MAP_FAILED);

  EXPECT_EQ(mapping_of(file, 3 * page), reinterpret_cast<std::uintptr_t>(map));
  EXPECT_EQ(mapping_of(file, 2 * page), std::nullopt);  // another size: not LMDB's map
  EXPECT_EQ(mapping_of((dir / "missing").string(), 3 * page), std::nullopt);

  munmap(map, 3 * page);
  EXPECT_EQ(mapping_of(file, 3 * page), std::nullopt);
  for (void* other : others) munmap(other, page);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sds::backend::lmdb
