// Checks of the contract's limits (include/sds/types.hpp), one definition for
// the Store and the WriteBatch.
#pragma once

#include <cstddef>
#include <string_view>

#include "sds/types.hpp"

namespace sds::core {

// invalid_argument unless size <= kMaxValueBytes; `what` is "patch", "blob"...,
// `where` "in URI, store 'id'" (empty where no store is known yet).
void check_value_size(std::size_t size, std::string_view what, std::string_view where = {});
// invalid_argument unless the hash is 1 to kMaxHashBytes bytes.
void check_hash(std::string_view hash, std::string_view where = {});
// Throws the invalid_argument of a checkpoint at `clock` older than the
// stored snapshot's `stored` clock (docs/DESIGN.md section 6.3).
[[noreturn]] void refuse_stale_checkpoint(Clock clock, Clock stored, std::string_view where);

}  // namespace sds::core
