#include "core/limits.hpp"

#include <string>

#include "sds/error.hpp"
#include "sds/types.hpp"

namespace sds::core {

void check_value_size(std::size_t size, std::string_view what) {
  if (size > kMaxValueBytes) {
    throw Error(Errc::invalid_argument, std::string(what) + " of " + std::to_string(size) +
                                            " bytes is over the limit of " +
                                            std::to_string(kMaxValueBytes) + " bytes (512 MiB)");
  }
}

void check_hash(std::string_view hash) {
  if (hash.empty() || hash.size() > kMaxHashBytes) {
    throw Error(Errc::invalid_argument, "blob hash of " + std::to_string(hash.size()) +
                                            " bytes: a hash is 1 to " +
                                            std::to_string(kMaxHashBytes) + " bytes");
  }
}

}  // namespace sds::core
