// What the core's errors share (docs/DESIGN.md section 10): the form of a
// quoted URI, and the advice that many of them give.
#pragma once

#include <string>
#include <string_view>

namespace sds::core {

// A URI as every message quotes it: 'sqlite:notes.db' (any password is masked
// before it gets here).
inline std::string in_quotes(std::string_view uri) {
  std::string out;  // built by appending: GCC 12 warns wrongly about "'" + std::string
  out.reserve(uri.size() + 2);
  out.append(1, '\'').append(uri).append(1, '\'');
  return out;
}

// The advice of every error about damaged data.
inline constexpr const char* kDamagedAdvice =
    "run `sdsctl verify` to see all damage, then restore from a backup";

}  // namespace sds::core
