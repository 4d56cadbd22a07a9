// Reads of a WAL through a memory map of the file (docs/DESIGN.md section
// 16.5): SQLite reads the WAL with one pread() per page, and maps only the
// database file.
#pragma once

#include <sqlite3.h>

#include <cstdint>

namespace sds::backend::sqlite {

class WalMap {
 public:
  // The WAL at `path`, opened and mapped at the first read. `path` outlives
  // the object (SQLite keeps a file's name until it closes it).
  explicit WalMap(const char* path) : path_(path) {}
  ~WalMap();
  WalMap(const WalMap&) = delete;
  WalMap& operator=(const WalMap&) = delete;

  // Copies bytes [offset, offset + amount) of the file into `out` and returns
  // true, or returns false where the map does not serve them (past its window
  // or the file's end as far as known, or the file could not be mapped): the
  // caller reads them as usual.
  bool read(void* out, int amount, sqlite3_int64 offset);

 private:
  const char* path_;
  int fd_ = -1;
  const std::uint8_t* bytes_ = nullptr;
  sqlite3_int64 known_size_ = 0;  // the file's size when last asked
  bool failed_ = false;
};

}  // namespace sds::backend::sqlite
