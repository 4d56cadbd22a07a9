#include "tests/raw_kv.hpp"

#include <gtest/gtest.h>

#include "core/keys.hpp"
#include "core/open_shared_backend.hpp"

namespace sds::test {

namespace {

// The backend of `uri` and its config as an open of `uri` makes them (the
// path canonical, a server's address and parameters), below the core; null
// (and a test failure) for a scheme that is not a key-value one.
std::shared_ptr<kv::Backend> open_raw(const std::string& uri) {
  const core::ResolvedUri resolved = core::resolve_uri(uri, {});
  if (!resolved.info.open_kv) {
    ADD_FAILURE() << "not a key-value scheme: " << uri;
    return nullptr;
  }
  return resolved.info.open_kv(resolved.config);
}

}  // namespace

void with_raw_kv(const std::string& uri, const std::function<void(kv::WriteTransaction&)>& fn) {
  if (const auto backend = open_raw(uri)) backend->update(fn);
}

void view_raw_kv(const std::string& uri, const std::function<void(kv::ReadTransaction&)>& fn) {
  if (const auto backend = open_raw(uri)) backend->view(fn);
}

kv::IntegrityCheck check_raw_integrity(const std::string& uri) {
  const auto backend = open_raw(uri);
  return backend ? backend->check_integrity() : kv::IntegrityCheck{};
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

void forge_record(const std::string& uri, const std::string& key, core::Codec codec,
                  std::uint64_t raw_size, ByteView payload) {
  with_raw_kv(uri, [&](kv::WriteTransaction& txn) {
    txn.put(key, core::frame(key, {codec, raw_size, payload, {}}));
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
