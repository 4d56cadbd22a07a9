// The store catalog: store ids interned to short numbers (docs/FORMAT.md,
// "Store ids"), so keys stay short whatever the id's length.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sds/kv.hpp"

namespace sds::core {

// The number of `store_id`, or nullopt if no store of that id exists.
std::optional<std::uint64_t> find_store(kv::ReadTransaction& txn, std::string_view store_id,
                                        std::string_view where);

// The number of `store_id`, handing out a new one if it has none.
std::uint64_t intern_store(kv::WriteTransaction& txn, std::string_view store_id,
                           std::string_view where);

// Hands out a new store number (the "N" counter), never used before and never
// again; the staging of a transfer writes its stores under such numbers.
std::uint64_t allocate_store_number(kv::WriteTransaction& txn, std::string_view where);

// Makes `store_id` name the store `number`, entering it in the catalog if it
// is not there. Returns the number it named before, if any (its records are
// the caller's to erase).
std::optional<std::uint64_t> bind_store(kv::WriteTransaction& txn, std::string_view store_id,
                                        std::uint64_t number, std::string_view where);

// Removes `store_id` from the catalog; false if it was not there. Its records
// are the caller's to erase.
bool forget_store(kv::WriteTransaction& txn, std::string_view store_id, std::string_view where);

// Every store id with its number, sorted by id.
std::vector<std::pair<std::string, std::uint64_t>> list_stores(kv::ReadTransaction& txn,
                                                               std::string_view where);

// Checks a store id's length: invalid_argument naming `where` (the URI)
// unless 1 to kMaxStoreIdBytes.
void check_store_id(std::string_view store_id, std::string_view where);

}  // namespace sds::core
