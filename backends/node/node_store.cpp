#include "backends/node/node_store.hpp"

#include <mutex>

#include "backends/node/node_writes.hpp"
#include "core/batch_scan.hpp"
#include "core/errors.hpp"
#include "core/keys.hpp"
#include "core/limits.hpp"
#include "sds/error.hpp"

namespace sds::backend::node {
namespace {

Bytes copy(ByteView view) { return Bytes(view.begin(), view.end()); }

}  // namespace

bool visit_patches(NodeFile& file, std::string_view store_id, std::int64_t after,
                   const PatchVisitor& visit) {
  std::vector<std::pair<Clock, Bytes>> batch;
  bool last = false;  // the batch reached the end of the log as it was read
  while (!last) {
    file.read([&](Connection& connection, Statements& statements) {
      batch.clear();
      last = false;
      Statement& load = connection.ready(statements.load_patches);
      bind_text(load, 1, store_id);
      load.bind(2, after);
      load.bind(3, static_cast<std::int64_t>(core::kBatchCount));
      std::size_t bytes = 0;
      int rc = SQLITE_DONE;
      // A batch ends after kBatchBytes too; one larger patch makes one alone.
      while (bytes < core::kBatchBytes && (rc = sqlite3_step(load.get())) == SQLITE_ROW) {
        const std::int64_t clock = load.column_int(0);
        if (clock < 0) {
          load.reset();
          throw Error(Errc::corruption,
                      "a patch at clock " + std::to_string(clock) + " " + file.where(store_id) +
                          ": the Node package writes no negative clock",
                      core::kDamagedAdvice);
        }
        batch.emplace_back(static_cast<Clock>(clock), copy(load.column(1)));
        bytes += batch.back().second.size();
      }
      // A full batch may have more after it; a short one ended the log.
      last = bytes < core::kBatchBytes && rc == SQLITE_DONE &&
             batch.size() < static_cast<std::size_t>(core::kBatchCount);
      const bool failed = bytes < core::kBatchBytes && rc != SQLITE_DONE && rc != SQLITE_ROW;
      load.reset();
      if (failed) connection.fail(rc, "reading patches");
    });
    for (const auto& [clock, patch] : batch) {
      if (!visit(clock, patch)) return false;
    }
    if (!batch.empty()) after = static_cast<std::int64_t>(batch.back().first);
  }
  return true;
}

NodeStore::NodeStore(std::shared_ptr<NodeFile> file, std::string id, std::uint64_t checkpoint_bytes)
    : file_(std::move(file)),
      id_(std::move(id)),
      where_(file_->where(id_)),
      checkpoint_bytes_(checkpoint_bytes) {}

NodeStore::~NodeStore() { close(); }

void NodeStore::close() {
  std::unique_lock lock(mutex_);
  file_.reset();
}

std::shared_ptr<NodeFile> NodeStore::file() const {
  std::shared_lock lock(mutex_);
  if (!file_) {
    throw Error(Errc::closed, "store '" + core::keys::printable(id_) + "' is closed",
                "open it again to use it");
  }
  return file_;
}

std::shared_ptr<NodeFile> NodeStore::writable_file() const {
  std::shared_ptr<NodeFile> open = file();
  if (open->read_only()) {
    throw Error(Errc::unsupported, "cannot write " + where_ + ": it is open read-only",
                "open it for writing");
  }
  return open;
}

void NodeStore::check_text(std::string_view hash) const {
  core::check_hash(hash, where_);
  check_utf8(hash, "blob hash", where_);
}

std::optional<Bytes> NodeStore::load_snapshot() {
  std::optional<Bytes> out;
  file()->read([&](Connection& connection, Statements& statements) {
    out.reset();
    Statement& load = connection.ready(statements.load_snapshot);
    bind_text(load, 1, id_);
    const int rc = sqlite3_step(load.get());
    if (rc == SQLITE_ROW) out = copy(load.column(0));
    load.reset();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) connection.fail(rc, "loading a snapshot");
  });
  return out;
}

std::optional<Clock> NodeStore::snapshot_clock() {
  std::optional<Clock> out;
  file()->read([&](Connection& connection, Statements& statements) {
    out = NodeFile::load_figures(statements, connection, id_).snapshot_clock;
  });
  return out;
}

void NodeStore::save_snapshot(ByteView data, Clock clock) {
  writable_file()->write_store(
      id_, [&](Connection& connection, Statements& statements, Figures& figures) {
        NodeWrites(connection, statements, id_, where_, figures).save_snapshot(data, clock, false);
      });
}

void NodeStore::checkpoint(ByteView snapshot, Clock clock) {
  writable_file()->write_store(id_, [&](Connection& connection, Statements& statements,
                                        Figures& figures) {
    NodeWrites(connection, statements, id_, where_, figures).save_snapshot(snapshot, clock, true);
  });
}

std::vector<Bytes> NodeStore::load_patches_since(Clock clock) {
  std::vector<Bytes> out;
  visit_patches_since(clock, [&](Clock, ByteView patch) {
    out.push_back(copy(patch));
    return true;
  });
  return out;
}

void NodeStore::visit_patches_since(Clock clock, const PatchVisitor& visit) {
  const std::shared_ptr<NodeFile> open = file();
  if (clock >= kMaxNodeClock) return;  // no clock of the layout is greater
  visit_patches(*open, id_, static_cast<std::int64_t>(clock), visit);
}

void NodeStore::append_patch(ByteView patch, Clock clock) {
  writable_file()->write_store(
      id_, [&](Connection& connection, Statements& statements, Figures& figures) {
        NodeWrites(connection, statements, id_, where_, figures).append_patch(patch, clock);
      });
}

void NodeStore::prune_patches(Clock before) {
  writable_file()->write_store(
      id_, [&](Connection& connection, Statements& statements, Figures& figures) {
        NodeWrites(connection, statements, id_, where_, figures).prune_patches(before);
      });
}

std::optional<Bytes> NodeStore::load_value(std::string_view hash) {
  check_text(hash);
  std::optional<Bytes> out;
  file()->read([&](Connection& connection, Statements& statements) {
    out.reset();
    Statement& load = connection.ready(statements.load_value);
    bind_text(load, 1, hash);
    const int rc = sqlite3_step(load.get());
    if (rc == SQLITE_ROW) out = copy(load.column(0));
    load.reset();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) connection.fail(rc, "loading a blob");
  });
  return out;
}

void NodeStore::save_value(std::string_view hash, ByteView data) {
  check_text(hash);
  core::check_value_size(data.size(), "blob", where_);
  writable_file()->write([&](Connection& connection, Statements& statements) {
    Figures unused;
    NodeWrites(connection, statements, id_, where_, unused).save_value(hash, data);
  });
}

void NodeStore::release_value(std::string_view hash) {
  check_text(hash);
  writable_file()->write([&](Connection& connection, Statements& statements) {
    Figures unused;
    NodeWrites(connection, statements, id_, where_, unused).release_value(hash);
  });
}

bool NodeStore::retain_value(std::string_view hash) {
  check_text(hash);
  bool retained = false;
  writable_file()->write([&](Connection& connection, Statements& statements) {
    Figures unused;
    retained = NodeWrites(connection, statements, id_, where_, unused).retain_value(hash);
  });
  return retained;
}

std::uint64_t NodeStore::accumulated_bytes() const { return file()->figures(id_).accumulated; }

bool NodeStore::checkpoint_due() const { return accumulated_bytes() >= checkpoint_bytes_; }

void NodeStore::write(const WriteBatch& batch) {
  if (batch.empty()) {
    file();
    return;
  }
  writable_file()->write_store(
      id_, [&](Connection& connection, Statements& statements, Figures& figures) {
        NodeWrites writes(connection, statements, id_, where_, figures);
        for (const WriteBatch::Operation& op : batch.operations()) {
          switch (op.kind) {
            case WriteBatch::Kind::append_patch:
              writes.append_patch(op.data, op.clock);
              break;
            case WriteBatch::Kind::save_snapshot:
              writes.save_snapshot(op.data, op.clock, false);
              break;
            case WriteBatch::Kind::checkpoint:
              writes.save_snapshot(op.data, op.clock, true);
              break;
            case WriteBatch::Kind::prune_patches:
              writes.prune_patches(op.clock);
              break;
            case WriteBatch::Kind::save_value:
              writes.save_value(op.hash, op.data);
              break;
            case WriteBatch::Kind::release_value:
              writes.release_value(op.hash);
              break;
          }
        }
      });
}

void NodeStore::flush() {
  const std::shared_ptr<NodeFile> open = file();
  if (!open->read_only()) open->flush();
}

StoreStats NodeStore::stats(StatsScope scope) {
  const std::shared_ptr<NodeFile> open = file();
  StoreStats out;
  open->read([&](Connection& connection, Statements&) {
    out = StoreStats{};
    Statement snapshot;
    connection.prepare(snapshot, "SELECT clock, length(data) FROM snapshots WHERE store_id = ?");
    bind_text(snapshot, 1, id_);
    if (sqlite3_step(snapshot.get()) == SQLITE_ROW) {
      out.has_snapshot = true;
      out.snapshot_clock = static_cast<Clock>(snapshot.column_int(0));
      out.snapshot_bytes = out.snapshot_stored_bytes =
          static_cast<std::uint64_t>(snapshot.column_int(1));
    }
    Statement patches;
    connection.prepare(patches,
                       "SELECT COUNT(*), COALESCE(SUM(length(data)), 0), MIN(clock), MAX(clock) "
                       "FROM patches WHERE store_id = ?");
    bind_text(patches, 1, id_);
    const int rc = sqlite3_step(patches.get());
    if (rc != SQLITE_ROW) connection.fail(rc, "counting patches");
    out.patch_count = static_cast<std::uint64_t>(patches.column_int(0));
    out.patch_bytes = static_cast<std::uint64_t>(patches.column_int(1));
    if (out.patch_count > 0) {
      out.first_patch_clock = static_cast<Clock>(patches.column_int(2));
      out.last_patch_clock = static_cast<Clock>(patches.column_int(3));
    }
    if (scope == StatsScope::with_blobs) {
      const BlobTotals blobs = count_blobs(connection);
      out.blob_count = blobs.count;
      out.blob_bytes = out.blob_stored_bytes = blobs.bytes;
    }
  });
  out.accumulated_bytes = open->figures(id_).accumulated;
  out.checkpoint_bytes = checkpoint_bytes_;
  out.bytes_on_disk = open->bytes_on_disk();
  return out;
}

}  // namespace sds::backend::node
