// sds::Error: the one exception type of the library, and its codes.
#pragma once

#include <stdexcept>
#include <string>

#include "sds/export.hpp"

namespace sds {

// What went wrong, in a few codes that each mean one thing
// (docs/DESIGN.md section 10).
enum class Errc {
  invalid_argument,  // malformed URI, unknown scheme or parameter, bad store id or
                     // hash, value over a limit, stale checkpoint
  unsupported,       // a known scheme this build left out; an operation the
                     // backend or the open mode (read-only) cannot do
  not_found,         // a path opened read-only that does not exist; a store that
                     // must exist and does not (never for a missing snapshot,
                     // patch or blob: those are nullopt or empty)
  corruption,        // checksum mismatch, not a database, undecodable record,
                     // a database of another layout
  version,           // written by a newer, incompatible format
  io_error,          // the operating system or the library failed
  full,              // disk full, quota, a map that cannot grow
  busy,              // another process holds what is needed past the timeout
  closed,            // a call after close()
};

// The name of a code, as written in messages and by sdsctl ("invalid_argument").
SDS_API const char* to_string(Errc code) noexcept;

// Thrown by every fallible call. what() says what failed, on which URI, store or
// key, and what to do about it; it never contains a password.
class SDS_API Error : public std::runtime_error {
 public:
  Error(Errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ~Error() override;
  Errc code() const noexcept { return code_; }

 private:
  Errc code_;
};

}  // namespace sds
