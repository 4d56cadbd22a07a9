// Checks of the contract's limits (include/sds/types.hpp), one definition for
// the Store and the WriteBatch.
#pragma once

#include <cstddef>
#include <string_view>

namespace sds::core {

// invalid_argument unless size <= kMaxValueBytes; `what` is "patch", "blob"...
void check_value_size(std::size_t size, std::string_view what);
// invalid_argument unless the hash is 1 to kMaxHashBytes bytes.
void check_hash(std::string_view hash);

}  // namespace sds::core
