// The writes of one store inside a write transaction of the Node layout, with
// the Node package's statements: what a single call and a WriteBatch both run,
// keeping the store's figures (docs/DESIGN.md section 6) as they go.
#pragma once

#include <string>
#include <string_view>

#include "backends/node/node_file.hpp"

namespace sds::backend::node {

class NodeWrites {
 public:
  NodeWrites(Connection& connection, Statements& statements, std::string_view store_id,
             std::string_view where, Figures& figures)
      : connection_(connection),
        statements_(statements),
        id_(store_id),
        where_(where),
        figures_(figures) {}

  void append_patch(ByteView patch, Clock clock);
  // As checkpoint, a clock below the stored snapshot's is refused and the
  // patches below `clock` are pruned.
  void save_snapshot(ByteView data, Clock clock, bool as_checkpoint);
  void prune_patches(Clock before);
  void save_value(std::string_view hash, ByteView data);
  void release_value(std::string_view hash);
  // Whether a blob was stored under `hash` (and got one more reference).
  bool retain_value(std::string_view hash);

 private:
  // Steps a statement that returns no rows; returns sqlite3_changes().
  int run(Statement& statement, std::string_view what);
  void recount();

  Connection& connection_;
  Statements& statements_;
  std::string_view id_;
  std::string_view where_;
  Figures& figures_;
};

}  // namespace sds::backend::node
