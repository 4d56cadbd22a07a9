#include "core/builtin_backends.hpp"

#include <array>
#include <utility>

#include "backends/memory/memory_backend.hpp"
#ifdef SDS_WITH_SQLITE
#include "backends/node/node_backend.hpp"
#include "backends/sqlite/sqlite_backend.hpp"
#endif
#ifdef SDS_WITH_LMDB
#include "backends/lmdb/lmdb_backend.hpp"
#endif
#ifdef SDS_WITH_ROCKSDB
#include "backends/rocksdb/rocksdb_backend.hpp"
#endif
#ifdef SDS_WITH_POSTGRES
#include "backends/postgres/postgres_backend.hpp"
#endif

namespace sds::core {

std::vector<BackendInfo> builtin_backends() {
  std::vector<BackendInfo> out;
  out.push_back(backend::memory_backend());
#ifdef SDS_WITH_SQLITE
  out.push_back(backend::sqlite_backend());
  out.push_back(backend::sds_node_backend());
#endif
#ifdef SDS_WITH_LMDB
  out.push_back(backend::lmdb_backend());
#endif
#ifdef SDS_WITH_ROCKSDB
  out.push_back(backend::rocksdb_backend());
#endif
#ifdef SDS_WITH_POSTGRES
  out.push_back(backend::postgres_backend());
#endif
  return out;
}

std::optional<std::string> how_to_enable(std::string_view scheme) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kKnown{{
      {"sqlite", "rebuild with -DSDS_WITH_SQLITE=ON"},
      {"lmdb", "rebuild with -DSDS_WITH_LMDB=ON"},
      {"rocksdb", "rebuild with -DSDS_WITH_ROCKSDB=ON"},
      {"postgres", "rebuild with -DSDS_WITH_POSTGRES=ON (needs libpq)"},
      {"sds-node", "rebuild with -DSDS_WITH_SQLITE=ON (sds-node: uses SQLite)"},
  }};
  for (const auto& [known, how] : kKnown) {
    if (known == scheme) return std::string(how);
  }
  return std::nullopt;
}

}  // namespace sds::core
