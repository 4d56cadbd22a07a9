#include "core/handle_cache.hpp"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <string>

#include "core/errors.hpp"
#include "sds/error.hpp"

namespace sds::core {
namespace {

struct CachedBackend {
  std::weak_ptr<SharedBackend> backend;
  // A forked child must not use its parent's handles (LMDB forbids it, SQLite
  // advises against it): entries count only in the process that opened them.
  pid_t opener = 0;
};

struct Cache {
  std::mutex mutex;
  std::map<std::string, CachedBackend> backends;
};

Cache& cache() {
  static Cache instance;
  return instance;
}

// What names the database of `config`: the scheme, the path, and for a server
// scheme the authority without its password and the target parameters. Two
// URIs differing only in host or port are two databases.
std::string cache_key(const BackendInfo& info, const BackendConfig& config) {
  std::string key = info.scheme + '\0' + config.path;
  if (info.path_kind != PathKind::server) return key;
  std::string_view authority = config.authority;
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    key += '\0' + std::string(userinfo.substr(0, userinfo.find(':'))) + '@';
    authority.remove_prefix(at + 1);
  }
  key += '\0' + std::string(authority);
  for (const std::string& name : info.target_params) {
    const auto value = config.params.find(name);
    if (value != config.params.end()) key += '\0' + name + '=' + value->second;
  }
  return key;
}

std::shared_ptr<SharedBackend> create_shared_backend(const BackendInfo& info,
                                                     const BackendConfig& config) {
  std::shared_ptr<kv::Backend> kv = info.open_kv(config);
  if (!kv) {
    throw Error(Errc::io_error,
                "backend '" + info.scheme + "' returned no database for " + in_quotes(config.uri),
                "its open_kv must return a database or throw sds::Error");
  }
  return std::make_shared<SharedBackend>(std::move(kv), config,
                                         info.capabilities.concurrent_writes ? kWriteLanes : 1);
}

}  // namespace

std::shared_ptr<SharedBackend> acquire_shared_backend(const BackendInfo& info,
                                                      const BackendConfig& config) {
  const auto& privates = info.private_paths;
  if (std::find(privates.begin(), privates.end(), config.path) != privates.end()) {
    return create_shared_backend(info, config);
  }
  // Holding the lock while opening makes a second opener of the same path wait
  // for the first instead of opening the path twice.
  Cache& cached = cache();
  std::lock_guard lock(cached.mutex);
  const pid_t self = getpid();
  std::erase_if(cached.backends, [&](const auto& entry) {
    return entry.second.backend.expired() || entry.second.opener != self;
  });
  CachedBackend& slot = cached.backends[cache_key(info, config)];
  if (std::shared_ptr<SharedBackend> shared = slot.backend.lock()) {
    const BackendConfig& open = shared->config();
    if (open.params != config.params || open.sync != config.sync) {
      throw Error(Errc::invalid_argument,
                  in_quotes(config.uri) +
                      " is open in this process already with other backend parameters (" +
                      in_quotes(open.uri) + ")",
                  "open it with the same ones, or close it first");
    }
    if (open.read_only && !config.read_only) {
      throw Error(Errc::busy, in_quotes(config.uri) + " is open read-only in this process",
                  "close it before opening it for writing");
    }
    return shared;
  }
  std::shared_ptr<SharedBackend> shared = create_shared_backend(info, config);
  slot = {shared, self};
  return shared;
}

}  // namespace sds::core
