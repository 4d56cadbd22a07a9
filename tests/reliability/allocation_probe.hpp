// What a call allocates, checked rather than timed: this test binary replaces
// the global operator new, so every allocation of the core (linked in
// statically, sds_internal) and of the C++ backends passes through it. The C
// libraries (SQLite, LMDB, zstd) allocate with malloc and are not seen.
#pragma once

#include <cstddef>

namespace sds::test {

// The largest single allocation since the object was made.
class AllocationProbe {
 public:
  AllocationProbe();
  std::size_t largest() const;
};

}  // namespace sds::test
