#include "backends/node/node_backend.hpp"

#include "backends/node/node_database.hpp"

namespace sds::backend {

BackendInfo sds_node_backend() {
  BackendInfo info;
  info.scheme = "sds-node";
  info.description =
      "SQLite file in the layout of the npm package @rozek/sds-persistence-node (tables "
      "snapshots, patches, blobs), shared with Node processes";
  info.path_kind = PathKind::file;
  info.capabilities = {.persistent = true,
                       .multi_process = true,
                       .compaction = false,
                       .reports_size = true,
                       .binary_ids = false,
                       .compression = false,
                       .checksums = false,
                       .max_clock = node::kMaxNodeClock,
                       .format_version = 0};
  info.params = {
      {"busy_timeout", "5000",
       "milliseconds a writer waits for another process's lock (a Node process's included) "
       "before Errc::busy"},
  };
  info.open_database = [](const BackendConfig& config, const DatabaseSettings& settings) {
    return std::make_unique<node::NodeDatabase>(node::NodeFile::open(config), settings);
  };
  return info;
}

}  // namespace sds::backend
