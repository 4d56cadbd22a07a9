#include "tests/raw_kv.hpp"

#include <gtest/gtest.h>

#include "core/keys.hpp"
#include "core/open_shared_backend.hpp"

namespace sds::test {

void with_raw_kv(const std::string& uri, const std::function<void(kv::WriteTransaction&)>& fn) {
  // The backend and its config as an open of `uri` makes them (the path
  // canonical, a server's address and parameters), below the core.
  const core::ResolvedUri resolved = core::resolve_uri(uri, {});
  ASSERT_TRUE(resolved.info.open_kv) << "not a key-value scheme: " << uri;
  resolved.info.open_kv(resolved.config)->update(fn);
}

void rewrite(const std::string& uri, const std::string& key,
             const std::function<void(Bytes&)>& change) {
  with_raw_kv(uri, [&](kv::WriteTransaction& txn) {
    const auto value = txn.get(key);
    ASSERT_TRUE(value.has_value()) << core::keys::describe(key);
    Bytes copy(value->begin(), value->end());
    change(copy);
    txn.put(key, copy);
  });
}

std::vector<std::string> all_keys(const std::string& uri) {
  std::vector<std::string> keys;
  with_raw_kv(uri, [&](kv::WriteTransaction& txn) {
    keys.clear();  // a backend may run the function again (docs/DESIGN.md section 3.3)
    txn.scan("", "", [&](std::string_view key, ByteView) {
      keys.emplace_back(key);
      return true;
    });
  });
  return keys;
}

}  // namespace sds::test
