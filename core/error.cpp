#include "sds/error.hpp"

namespace sds {

const char* to_string(Errc code) noexcept {
  switch (code) {
    case Errc::invalid_argument:
      return "invalid_argument";
    case Errc::unsupported:
      return "unsupported";
    case Errc::not_found:
      return "not_found";
    case Errc::corruption:
      return "corruption";
    case Errc::version:
      return "version";
    case Errc::io_error:
      return "io_error";
    case Errc::full:
      return "full";
    case Errc::busy:
      return "busy";
    case Errc::closed:
      return "closed";
  }
  return "unknown";
}

}  // namespace sds
