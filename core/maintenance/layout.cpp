#include "core/maintenance/layout.hpp"

#include "core/binary.hpp"

namespace sds::core::maintenance {

std::uint64_t store_number(std::string_view key) { return read_u64_be(key.substr(1, 8)); }

}  // namespace sds::core::maintenance
