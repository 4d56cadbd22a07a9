// Writing our own layout by hand, below the core: the tests that forge or
// damage records (tests/layout_integrity_test.cpp, tests/reliability/) open a
// scheme's kv::Backend directly. They link sds_internal.
#pragma once

#include <functional>
#include <sds/sds.hpp>
#include <string>

#include "core/record.hpp"

namespace sds::test {

// Opens the backend of `uri` directly, below the core (no sds handle may be
// open on it), and runs `fn` in one write transaction.
void with_raw_kv(const std::string& uri, const std::function<void(kv::WriteTransaction&)>& fn);
// The same, in one read transaction.
void view_raw_kv(const std::string& uri, const std::function<void(kv::ReadTransaction&)>& fn);
// The backend's own check of its files (what sdsctl verify runs besides
// reading every record).
kv::IntegrityCheck check_raw_integrity(const std::string& uri);

// Replaces the value under `key` by what `change` makes of it.
void rewrite(const std::string& uri, const std::string& key,
             const std::function<void(Bytes&)>& change);

// Puts under `key` a record whose checksum is right for what it declares
// (`codec`, `raw_size`), whatever its payload holds: a forged record that
// only the checks behind the checksum can refuse.
void forge_record(const std::string& uri, const std::string& key, core::Codec codec,
                  std::uint64_t raw_size, ByteView payload);

// Every key of the database, in order.
std::vector<std::string> all_keys(const std::string& uri);

}  // namespace sds::test
