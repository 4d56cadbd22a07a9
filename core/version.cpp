#include "sds/version.hpp"

namespace sds {

const char* version() noexcept { return SDS_VERSION_STRING; }

}  // namespace sds
