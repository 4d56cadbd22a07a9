// What the core's errors share (docs/DESIGN.md section 10): the form of a
// quoted URI, and the advice that many of them give.
#pragma once

#include <string>
#include <string_view>

#include "core/keys.hpp"

namespace sds::core {

// A URI as every message quotes it: 'sqlite:notes.db' (any password is masked
// before it gets here), its bytes as keys::printable() shows them, whole: a NUL
// would cut what() short, and escape sequences would reach the terminal.
inline std::string in_quotes(std::string_view uri) {
  std::string out;  // built by appending: GCC 12 warns wrongly about "'" + std::string
  out.append(1, '\'').append(keys::printable(uri, keys::kWhole)).append(1, '\'');
  return out;
}

// The advice of every error about damaged data.
inline constexpr const char* kDamagedAdvice =
    "run `sdsctl verify` to see all damage, then restore from a backup";

}  // namespace sds::core
