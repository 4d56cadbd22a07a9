// sds::Error: the one exception type of the library, and its codes.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

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
  version,           // written by a newer, incompatible format, or in a form this
                     // build cannot read (LMDB files of another word size)
  io_error,          // the operating system or the library failed
  full,              // disk full, quota, a map that cannot grow, not enough memory
  busy,              // another process holds what is needed past the timeout
  closed,            // a call after close()
};

// The name of a code, as written in messages and by sdsctl ("invalid_argument").
SDS_API const char* to_string(Errc code) noexcept;

// Thrown by every fallible call. The message says what failed and names the
// URI (quoted, password masked) and, where one is involved, the store and the
// record; the advice, where there is any, says what to do about it. what() is
// both, "message; advice", for callers that print one line.
class SDS_API Error : public std::runtime_error {
 public:
  Error(Errc code, const std::string& message, const std::string& advice = {})
      : std::runtime_error(advice.empty() ? message : message + "; " + advice),
        code_(code),
        message_size_(message.size()) {}
  ~Error() override;
  Errc code() const noexcept { return code_; }
  // What failed, without the advice.
  std::string_view message() const noexcept { return std::string_view(what(), message_size_); }
  // What to do about it; empty when there is no advice.
  std::string_view advice() const noexcept {
    const std::string_view all(what());
    return all.size() > message_size_ ? all.substr(message_size_ + 2) : std::string_view();
  }

 private:
  Errc code_;
  std::size_t message_size_;  // what() is the message, then "; " and the advice
};

}  // namespace sds
