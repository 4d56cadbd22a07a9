#include "backends/node/node_writes.hpp"

#include <limits>

#include "core/limits.hpp"

namespace sds::backend::node {

int NodeWrites::run(Statement& statement, std::string_view what) {
  connection_.step_done(statement, what);
  return sqlite3_changes(connection_.get());
}

void NodeWrites::recount() { figures_ = NodeFile::load_figures(statements_, connection_, id_); }

void NodeWrites::append_patch(ByteView patch, Clock clock) {
  core::check_value_size(patch.size(), "patch", where_);
  check_clock(clock, "patch", where_);
  Statement& append = connection_.ready(statements_.append);
  bind_text(append, 1, id_);
  bind_clock(append, 2, clock);
  append.bind(3, patch);
  if (run(append, "appending a patch") == 0) return;  // the first append at a clock wins
  if (!figures_.snapshot_clock || clock > *figures_.snapshot_clock) {
    figures_.accumulated += std::min<std::uint64_t>(
        patch.size(), std::numeric_limits<std::uint64_t>::max() - figures_.accumulated);
  }
}

void NodeWrites::save_snapshot(ByteView data, Clock clock, bool as_checkpoint) {
  core::check_value_size(data.size(), "snapshot", where_);
  check_clock(clock, as_checkpoint ? "checkpoint" : "snapshot", where_);
  if (as_checkpoint) {
    // The stored clock as the table has it now: another process may have
    // checkpointed since this one last looked.
    const Figures stored = NodeFile::load_figures(statements_, connection_, id_);
    if (stored.snapshot_clock && *stored.snapshot_clock > clock) {
      core::refuse_stale_checkpoint(clock, *stored.snapshot_clock, where_);
    }
  }
  Statement& save = connection_.ready(statements_.save_snapshot);
  bind_text(save, 1, id_);
  save.bind(2, data);
  bind_clock(save, 3, clock);
  run(save, "saving a snapshot");
  if (as_checkpoint) {
    Statement& prune = connection_.ready(statements_.prune);
    bind_text(prune, 1, id_);
    bind_clock(prune, 2, clock);
    run(prune, "pruning patches");
  }
  recount();
}

void NodeWrites::prune_patches(Clock before) {
  // A bound over the largest clock the layout holds prunes every patch.
  Statement& prune =
      connection_.ready(before > kMaxNodeClock ? statements_.prune_all : statements_.prune);
  bind_text(prune, 1, id_);
  if (before <= kMaxNodeClock) bind_clock(prune, 2, before);
  if (run(prune, "pruning patches") > 0) recount();
}

void NodeWrites::save_value(std::string_view hash, ByteView data) {
  core::check_hash(hash, where_);
  check_utf8(hash, "blob hash", where_);
  core::check_value_size(data.size(), "blob", where_);
  Statement& save = connection_.ready(statements_.save_value);
  bind_text(save, 1, hash);
  save.bind(2, data);
  run(save, "saving a blob");
}

void NodeWrites::release_value(std::string_view hash) {
  core::check_hash(hash, where_);
  check_utf8(hash, "blob hash", where_);
  Statement& release = connection_.ready(statements_.release_value);
  bind_text(release, 1, hash);
  if (run(release, "releasing a blob") == 0) return;
  Statement& erase = connection_.ready(statements_.delete_value);
  bind_text(erase, 1, hash);
  run(erase, "deleting a released blob");
}

bool NodeWrites::retain_value(std::string_view hash) {
  core::check_hash(hash, where_);
  check_utf8(hash, "blob hash", where_);
  Statement& retain = connection_.ready(statements_.retain_value);
  bind_text(retain, 1, hash);
  return run(retain, "retaining a blob") > 0;
}

}  // namespace sds::backend::node
