#include "backends/node/node_database.hpp"

#include <algorithm>
#include <mutex>

#include "backends/node/node_staging.hpp"
#include "backends/node/node_store.hpp"
#include "core/batch_scan.hpp"
#include "core/catalog.hpp"
#include "core/errors.hpp"
#include "core/keys.hpp"
#include "sds/error.hpp"

namespace sds::backend::node {
namespace {

// Whether the store holds a snapshot or a patch, in the running transaction.
bool store_exists(Connection& connection, std::string_view id) {
  Statement exists;
  connection.prepare(exists,
                     "SELECT EXISTS (SELECT 1 FROM snapshots WHERE store_id = ?1) OR EXISTS "
                     "(SELECT 1 FROM patches WHERE store_id = ?1)");
  bind_text(exists, 1, id);
  const int rc = sqlite3_step(exists.get());
  if (rc != SQLITE_ROW) connection.fail(rc, "looking a store up");
  return exists.column_int(0) != 0;
}

void visit_blobs(NodeFile& file, ContentsVisitor& visitor) {
  struct Blob {
    std::string hash;
    std::int64_t ref_count;
    Bytes data;
  };
  std::optional<std::string> after;
  std::vector<Blob> batch;
  do {
    file.read([&](Connection& connection, Statements&) {
      batch.clear();
      Statement blobs;
      connection.prepare(blobs,
                         "SELECT hash, ref_count, data FROM blobs WHERE ?1 IS NULL OR hash > ?1 "
                         "ORDER BY hash LIMIT ?2");
      if (after) bind_text(blobs, 1, *after);
      blobs.bind(2, static_cast<std::int64_t>(core::kBatchCount));
      std::size_t bytes = 0;
      int rc = SQLITE_DONE;
      while (bytes < core::kBatchBytes && (rc = sqlite3_step(blobs.get())) == SQLITE_ROW) {
        const ByteView data = blobs.column(2);
        batch.push_back({std::string(column_text(blobs, 0)), blobs.column_int(1),
                         Bytes(data.begin(), data.end())});
        bytes += data.size();
      }
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) connection.fail(rc, "reading blobs");
    });
    for (const Blob& blob : batch) visitor.blob(blob.hash, blob.ref_count, blob.data);
    if (!batch.empty()) after = batch.back().hash;
  } while (!batch.empty());
}

}  // namespace

NodeDatabase::NodeDatabase(std::shared_ptr<NodeFile> file, const DatabaseSettings& settings)
    : file_(std::move(file)),
      config_(file_->config()),
      uri_(file_->uri()),
      read_only_(file_->read_only()),
      settings_(settings) {}

NodeDatabase::~NodeDatabase() { close(); }

void NodeDatabase::close() {
  std::unique_lock lock(mutex_);
  file_.reset();
}

std::shared_ptr<NodeFile> NodeDatabase::file() const {
  std::shared_lock lock(mutex_);
  if (!file_) {
    throw Error(Errc::closed, "database " + core::in_quotes(uri_) + " is closed",
                "open it again to use it");
  }
  return file_;
}

std::unique_ptr<Store> NodeDatabase::store(std::string_view id) {
  const std::shared_ptr<NodeFile> open = file();
  core::check_store_id(id, open->where());
  check_utf8(id, "store id", open->where());
  if (read_only_) {
    bool exists = false;
    open->read([&](Connection& connection, Statements&) { exists = store_exists(connection, id); });
    if (!exists) {
      throw Error(Errc::not_found, "no store '" + core::keys::printable(id) + "' " + open->where(),
                  "a database opened read-only creates no store; `sdsctl stores` lists "
                  "those there are");
    }
  }
  return std::make_unique<NodeStore>(open, std::string(id), settings_.checkpoint_bytes);
}

std::vector<std::string> NodeDatabase::list_stores(NodeFile& open) {
  std::vector<std::string> out;
  open.read([&](Connection& connection, Statements&) {
    out.clear();
    Statement ids;
    // TEXT compares bytewise (BINARY collation): the order of every scheme.
    connection.prepare(ids,
                       "SELECT store_id FROM snapshots UNION SELECT store_id FROM patches "
                       "ORDER BY 1");
    int rc;
    while ((rc = sqlite3_step(ids.get())) == SQLITE_ROW) {
      out.emplace_back(column_text(ids, 0));
    }
    if (rc != SQLITE_DONE) connection.fail(rc, "listing the stores");
  });
  return out;
}

std::vector<std::string> NodeDatabase::stores() { return list_stores(*file()); }

void NodeDatabase::drop_store(std::string_view id) {
  const std::shared_ptr<NodeFile> open = file();
  core::check_store_id(id, open->where());
  check_utf8(id, "store id", open->where());
  if (read_only_) {
    throw Error(Errc::unsupported,
                "cannot drop store '" + core::keys::printable(id) + "' of " +
                    core::in_quotes(uri_) + ": it is open read-only",
                "open it for writing to drop a store");
  }
  open->write_store(
      std::string(id), [&](Connection& connection, Statements& statements, Figures& figures) {
        if (!store_exists(connection, id)) {
          throw Error(Errc::not_found,
                      "cannot drop store '" + core::keys::printable(id) + "' of " +
                          core::in_quotes(uri_) + ": there is no such store",
                      "`sdsctl stores` lists the stores there are");
        }
        for (Statement* statement : {&statements.drop_snapshot, &statements.prune_all}) {
          Statement& erase = connection.ready(*statement);
          bind_text(erase, 1, id);
          connection.step_done(erase, "dropping a store");
        }
        figures = Figures{};
      });
}

DatabaseStats NodeDatabase::stats() {
  const std::shared_ptr<NodeFile> open = file();
  DatabaseStats out;
  out.store_count = list_stores(*open).size();
  open->read([&](Connection& connection, Statements&) {
    const BlobTotals blobs = count_blobs(connection);
    out.blob_count = blobs.count;
    out.blob_bytes = out.blob_stored_bytes = blobs.bytes;
  });
  out.bytes_on_disk = open->bytes_on_disk();
  out.format_version = 0;  // the Node package's layout has no version
  return out;
}

void NodeDatabase::visit_contents(ContentsVisitor& visitor, const ContentsSelection& selection) {
  const std::shared_ptr<NodeFile> open = file();
  const std::vector<std::string> all = list_stores(*open);
  std::vector<std::string> ids = all;
  if (!selection.stores.empty()) {
    ids = selection.stores;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (const std::string& id : ids) {
      if (!std::binary_search(all.begin(), all.end(), id)) {
        throw Error(Errc::not_found,
                    "no store '" + core::keys::printable(id) + "' " + open->where(),
                    "`sdsctl stores` lists the stores there are");
      }
    }
  }
  for (const std::string& id : ids) {
    visitor.store(id);
    std::optional<std::int64_t> clock;
    Bytes snapshot;
    open->read([&](Connection& connection, Statements& statements) {
      clock.reset();
      Statement& load = connection.ready(statements.load_snapshot);
      bind_text(load, 1, id);
      const int rc = sqlite3_step(load.get());
      if (rc == SQLITE_ROW) {
        const ByteView data = load.column(0);
        snapshot.assign(data.begin(), data.end());
        clock = load.column_int(1);
      }
      load.reset();
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) connection.fail(rc, "loading a snapshot");
    });
    if (clock && *clock < 0) {
      throw Error(Errc::corruption,
                  "the snapshot " + open->where(id) + " has clock " + std::to_string(*clock) +
                      ": the Node package writes no negative clock",
                  core::kDamagedAdvice);
    }
    if (clock) visitor.snapshot(static_cast<Clock>(*clock), snapshot);
    visit_patches(*open, id, -1, [&](Clock at, ByteView patch) {
      visitor.patch(at, patch);
      return true;
    });
  }
  if (selection.blobs) visit_blobs(*open, visitor);
}

void NodeDatabase::flush() {
  const std::shared_ptr<NodeFile> open = file();
  if (!read_only_) open->flush();
}

std::unique_ptr<core::Staging> NodeDatabase::begin_staging(core::TargetPolicy policy) {
  return begin_node_staging(file(), policy);
}

std::optional<core::StagingArea> NodeDatabase::find_staging() { return find_node_staging(*file()); }

core::TargetContents NodeDatabase::count_contents() {
  const std::shared_ptr<NodeFile> open = file();
  core::TargetContents out;
  out.stores = list_stores(*open).size();
  open->read(
      [&](Connection& connection, Statements&) { out.blobs = count_blobs(connection).count; });
  return out;
}

kv::IntegrityCheck NodeDatabase::check_integrity() {
  kv::IntegrityCheck check{true, "SQLite PRAGMA integrity_check", {}};
  file()->read([&](Connection& connection, Statements&) {
    check.problems.clear();
    Statement statement;
    connection.prepare(statement, "PRAGMA integrity_check");
    int rc;
    while ((rc = sqlite3_step(statement.get())) == SQLITE_ROW) {
      const std::string_view line = column_text(statement, 0);
      if (line != "ok") check.problems.emplace_back(line);
    }
    if (rc != SQLITE_DONE) {
      check.problems.push_back(std::string("it stopped: ") + sqlite3_errstr(rc));
    }
  });
  return check;
}

}  // namespace sds::backend::node
