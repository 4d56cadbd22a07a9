#include "tests/raw_kv.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/keys.hpp"

namespace sds::test {

namespace {

// The backend of `uri`, opened directly; null (and a test failure) when no
// scheme of that name is registered.
std::shared_ptr<kv::Backend> open_raw(const std::string& uri) {
  const std::size_t colon = uri.find(':');
  BackendConfig config;
  config.uri = uri;
  config.path = uri.substr(colon + 1);
  const std::string scheme = uri.substr(0, colon);
  for (const BackendInfo& info : backend_infos()) {
    if (info.scheme == scheme) {
      if (info.path_kind != PathKind::name) {
        config.path = std::filesystem::weakly_canonical(config.path).string();
      }
      return info.open_kv(config);
    }
  }
  ADD_FAILURE() << "no backend for " << uri;
  return nullptr;
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
