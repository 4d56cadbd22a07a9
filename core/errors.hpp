// What the core's errors share (docs/DESIGN.md section 10): the form of a
// quoted URI, and the advice that many of them give.
#pragma once

#include <string>
#include <string_view>

#include "core/keys.hpp"
#include "sds/error.hpp"

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

// The advice of every error about memory that could not be allocated.
inline constexpr const char* kOutOfMemoryAdvice = "free memory, or store smaller values";

// The error of a call that could not allocate the memory it needed (a value
// is held once or twice while it is written or read): never std::bad_alloc,
// which would escape the API's promise that every failure is an sds::Error.
// `where` says where: "on store 'x' of 'sqlite:a.db'".
inline Error out_of_memory(std::string_view where) {
  return Error(Errc::full, "not enough memory for this call " + std::string(where),
               kOutOfMemoryAdvice);
}

}  // namespace sds::core
