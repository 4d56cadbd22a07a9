#include "backends/node/node_staging.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/batch_scan.hpp"
#include "core/errors.hpp"
#include "core/keys.hpp"
#include "core/payloads.hpp"
#include "core/record.hpp"
#include "core/staging_order.hpp"
#include "core/staging_owner.hpp"
#include "sds/error.hpp"

namespace sds::backend::node {
namespace {

constexpr const char* kCreateStaging[] = {
    "CREATE TABLE IF NOT EXISTS sds_staging (token INTEGER NOT NULL, pid INTEGER NOT NULL, "
    "pid_started INTEGER NOT NULL, started INTEGER NOT NULL, host TEXT NOT NULL, boot_id TEXT "
    "NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sds_staged_stores (store_id TEXT PRIMARY KEY)",
    "CREATE TABLE IF NOT EXISTS sds_staged_snapshots (store_id TEXT PRIMARY KEY, data BLOB NOT "
    "NULL, clock INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sds_staged_patches (store_id TEXT NOT NULL, clock INTEGER NOT "
    "NULL, data BLOB NOT NULL, PRIMARY KEY (store_id, clock))",
    "CREATE TABLE IF NOT EXISTS sds_staged_blobs (hash TEXT PRIMARY KEY, data BLOB NOT NULL, "
    "ref_count INTEGER NOT NULL)",
};
constexpr const char* kDropStaging =
    "DROP TABLE IF EXISTS sds_staged_stores; DROP TABLE IF EXISTS sds_staged_snapshots; DROP TABLE "
    "IF EXISTS sds_staged_patches; DROP "
    "TABLE IF EXISTS sds_staged_blobs; DROP TABLE IF EXISTS sds_staging";

// Runs a statement with text and integer parameters and no result rows;
// returns sqlite3_changes().
int execute(Connection& connection, const char* sql, std::string_view what,
            const std::vector<std::string_view>& texts = {}) {
  Statement statement;
  connection.prepare(statement, sql);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    bind_text(statement, static_cast<int>(i + 1), texts[i]);
  }
  connection.step_done(statement, what);
  return sqlite3_changes(connection.get());
}

// The integer a query returns (its first column of its first row).
std::int64_t query(Connection& connection, const char* sql, std::string_view what,
                   std::string_view text = {}) {
  Statement statement;
  connection.prepare(statement, sql);
  if (!text.empty()) bind_text(statement, 1, text);
  const int rc = sqlite3_step(statement.get());
  if (rc != SQLITE_ROW) connection.fail(rc == SQLITE_DONE ? SQLITE_ERROR : rc, what);
  return statement.column_int(0);
}

bool has_table(Connection& connection, const char* name) {
  return query(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
               "reading the schema", name) > 0;
}

// The staging header in the file, if there is one.
std::optional<core::StagingHeader> read_header(Connection& connection) {
  if (!has_table(connection, "sds_staging")) return std::nullopt;
  Statement read;
  connection.prepare(read,
                     "SELECT pid, pid_started, token, started, host, boot_id FROM sds_staging");
  const int rc = sqlite3_step(read.get());
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) connection.fail(rc, "reading the staging header");
  core::StagingHeader found;
  found.pid = static_cast<std::uint64_t>(read.column_int(0));
  found.pid_started = static_cast<std::uint64_t>(read.column_int(1));
  found.token = static_cast<std::uint64_t>(read.column_int(2));
  found.started = static_cast<std::uint64_t>(read.column_int(3));
  found.host = std::string(column_text(read, 4));
  found.boot_id = std::string(column_text(read, 5));
  return found;
}

// A row staged and not yet written: a store id, a snapshot, a patch or a blob.
struct Row {
  enum class Kind { store, snapshot, patch, blob } kind;
  std::string text;         // the store id or the hash
  std::int64_t number = 0;  // the clock, or the blob's count
  Bytes data;
};

class NodeStaging final : public core::Staging {
 public:
  NodeStaging(std::shared_ptr<NodeFile> file, core::TargetPolicy policy)
      : file_(std::move(file)), policy_(policy), where_(file_->where()) {
    claim();
    try {
      if (policy_ == core::TargetPolicy::empty) {
        core::check_empty_target(count(), file_->uri());
      }
    } catch (...) {
      abandon();
      throw;
    }
  }

  ~NodeStaging() override {
    if (state_ != State::staging) return;
    try {
      abandon();
    } catch (...) {
      // The next staging into this database removes what is left.
    }
  }

  void store(std::string_view id) override {
    check_staging();
    order_.store(id);
    check_utf8(id, "store id", where_);
    end_store();
    if (policy_ != core::TargetPolicy::replace) {
      bool exists = false;
      file_->read(
          [&](Connection& connection, Statements&) { exists = store_exists(connection, id); });
      if (exists) {
        throw Error(Errc::invalid_argument,
                    "store '" + core::keys::printable(id) + "' exists " + where_ + " already",
                    "choose to replace the stores of the same ids, or remove it first");
      }
    }
    current_ = Current{std::string(id), {}, {}};
    add({Row::Kind::store, std::string(id), 0, {}});
  }

  void store_record(std::string_view suffix, const core::Record& record) override {
    check_staging();
    if (!current_) damaged("a record outside any store");
    Current& current = *current_;
    const std::string name = "store '" + core::keys::printable(current.id) + "'";
    const auto kind = core::keys::parse_store_suffix(suffix);
    if (!kind) {
      damaged("record '" + core::keys::printable(suffix) + "' of " + name + " is of no known kind");
    }
    const std::string what = "(" + name + ")";
    // Decoded under the key the record has in the key-value layout, which
    // decides whether it may be compressed; the store's number plays no part.
    Bytes data = core::decode_record(record, core::keys::store_record(0, suffix), what);
    switch (kind->kind) {
      case core::keys::StoreRecordKind::snapshot_header:
        if (current.header) damaged("the snapshot header of " + name + " appears twice");
        current.header = core::parse_snapshot_header(record.payload, what);
        break;
      case core::keys::StoreRecordKind::snapshot:
        if (current.snapshot) damaged("the snapshot of " + name + " appears twice");
        current.snapshot = std::move(data);
        break;
      case core::keys::StoreRecordKind::patch:
        order_.patch(kind->clock, name);
        check_clock(kind->clock, "patch", file_->where(current.id));
        add({Row::Kind::patch, current.id, static_cast<std::int64_t>(kind->clock),
             std::move(data)});
        break;
    }
  }

  void blob(std::string_view hash, std::int64_t ref_count, const core::Record& record) override {
    check_staging();
    end_store();
    order_.blob(hash, ref_count);
    check_utf8(hash, "blob hash", where_);
    const std::string name = "blob '" + core::keys::printable(hash) + "'";
    add({Row::Kind::blob, std::string(hash), ref_count,
         core::decode_record(record, core::keys::blob(hash), "(" + name + ")")});
  }

  void finish() override {
    check_staging();
    end_store();
    commit();
  }

  core::PublishReport publish() override {
    finish();
    core::PublishReport report;
    file_->write([&](Connection& connection, Statements&) { report = publish_in(connection); });
    state_ = State::published;
    file_->forget_figures();
    file_->flush();
    return report;
  }

  void abandon() override {
    if (state_ != State::staging) return;
    state_ = State::abandoned;
    rows_.clear();
    file_->write([&](Connection& connection, Statements&) {
      if (owned(connection)) connection.exec(kDropStaging, "removing the staging tables");
    });
  }

 private:
  enum class State { staging, published, abandoned };

  struct Current {
    std::string id;
    std::optional<core::SnapshotHeader> header;
    std::optional<Bytes> snapshot;
  };

  [[noreturn]] static void damaged(const std::string& what) { core::StagingOrder::damaged(what); }

  void check_staging() const {
    if (state_ != State::staging) {
      throw Error(Errc::closed, "the staging into " + core::in_quotes(file_->uri()) + " is over",
                  "begin another");
    }
  }

  static bool store_exists(Connection& connection, std::string_view id) {
    return query(connection,
                 "SELECT EXISTS (SELECT 1 FROM snapshots WHERE store_id = ?1) OR EXISTS "
                 "(SELECT 1 FROM patches WHERE store_id = ?1)",
                 "looking a store up", id) != 0;
  }

  core::TargetContents count() {
    core::TargetContents contents;
    file_->read([&](Connection& connection, Statements&) {
      contents.stores = static_cast<std::uint64_t>(
          query(connection,
                "SELECT COUNT(*) FROM (SELECT store_id FROM snapshots UNION SELECT store_id FROM "
                "patches)",
                "counting stores"));
      contents.blobs = static_cast<std::uint64_t>(
          query(connection, "SELECT COUNT(*) FROM blobs", "counting blobs"));
    });
    return contents;
  }

  // The store's snapshot goes with its header: one row with both.
  void end_store() {
    if (!current_) return;
    Current current = std::move(*current_);
    current_.reset();
    const std::string name = "store '" + core::keys::printable(current.id) + "'";
    if (current.header && !current.snapshot)
      damaged(name + " has a snapshot header but no snapshot");
    if (!current.header && current.snapshot)
      damaged(name + " has a snapshot but no snapshot header");
    if (!current.header) return;
    if (current.header->raw_size != current.snapshot->size()) {
      damaged("the snapshot header of " + name + " gives size " +
              std::to_string(current.header->raw_size) + ", the snapshot has " +
              std::to_string(current.snapshot->size()));
    }
    check_clock(current.header->clock, "snapshot", file_->where(current.id));
    add({Row::Kind::snapshot, current.id, static_cast<std::int64_t>(current.header->clock),
         std::move(*current.snapshot)});
  }

  void add(Row row) {
    pending_bytes_ += row.data.size() + row.text.size();
    rows_.push_back(std::move(row));
    if (pending_bytes_ >= core::kBatchBytes) commit();
  }

  // Writes the pending rows in one short transaction, then reads them back:
  // a write that was dropped or mangled is caught before publishing.
  void commit() {
    if (rows_.empty()) return;
    file_->write([&](Connection& connection, Statements&) {
      Statement snapshots, patches, blobs;
      connection.prepare(snapshots,
                         "INSERT INTO sds_staged_snapshots (store_id, data, clock) VALUES (?,?,?)");
      connection.prepare(patches,
                         "INSERT INTO sds_staged_patches (store_id, clock, data) VALUES (?,?,?)");
      connection.prepare(blobs,
                         "INSERT INTO sds_staged_blobs (hash, data, ref_count) VALUES (?,?,?)");
      for (const Row& row : rows_) {
        switch (row.kind) {
          case Row::Kind::store:
            execute(connection, "INSERT INTO sds_staged_stores (store_id) VALUES (?)",
                    "staging a store", {row.text});
            break;
          case Row::Kind::snapshot:
            bind_text(snapshots, 1, row.text);
            snapshots.bind(2, row.data);
            snapshots.bind(3, row.number);
            connection.step_done(snapshots, "staging a snapshot");
            break;
          case Row::Kind::patch:
            bind_text(patches, 1, row.text);
            patches.bind(2, row.number);
            patches.bind(3, row.data);
            connection.step_done(patches, "staging a patch");
            break;
          case Row::Kind::blob:
            bind_text(blobs, 1, row.text);
            blobs.bind(2, row.data);
            blobs.bind(3, row.number);
            connection.step_done(blobs, "staging a blob");
            break;
        }
      }
    });
    file_->read([&](Connection& connection, Statements&) {
      for (const Row& row : rows_) check_written(connection, row);
    });
    rows_.clear();
    pending_bytes_ = 0;
  }

  void check_written(Connection& connection, const Row& row) const {
    const char* sql = nullptr;
    switch (row.kind) {
      case Row::Kind::store:
        return;
      case Row::Kind::snapshot:
        sql = "SELECT data FROM sds_staged_snapshots WHERE store_id = ?1 AND clock = ?2";
        break;
      case Row::Kind::patch:
        sql = "SELECT data FROM sds_staged_patches WHERE store_id = ?1 AND clock = ?2";
        break;
      case Row::Kind::blob:
        sql = "SELECT data FROM sds_staged_blobs WHERE hash = ?1 AND ref_count = ?2";
        break;
    }
    Statement statement;
    connection.prepare(statement, sql);
    bind_text(statement, 1, row.text);
    statement.bind(2, row.number);
    const int rc = sqlite3_step(statement.get());
    const ByteView stored = rc == SQLITE_ROW ? statement.column(0) : ByteView();
    if (rc != SQLITE_ROW ||
        !std::equal(stored.begin(), stored.end(), row.data.begin(), row.data.end())) {
      throw Error(Errc::io_error,
                  "a record of '" + core::keys::printable(row.text) + "' staged " + where_ +
                      " reads back differently from what was written",
                  "check the disk; nothing was published");
    }
  }

  core::PublishReport publish_in(Connection& connection) {
    if (!owned(connection)) {
      throw Error(Errc::io_error, "the staging area " + where_ + " was removed by another process",
                  "nothing was published; run the transfer again");
    }
    if (policy_ == core::TargetPolicy::empty &&
        query(connection,
              "SELECT EXISTS (SELECT 1 FROM snapshots) OR EXISTS (SELECT 1 FROM patches) OR "
              "EXISTS (SELECT 1 FROM blobs)",
              "checking the target") != 0) {
      throw Error(Errc::invalid_argument,
                  core::in_quotes(file_->uri()) + " was written to while the transfer ran",
                  "nothing was published; run the transfer again");
    }
    core::PublishReport report;
    std::vector<std::string> ids;
    {
      Statement staged;
      connection.prepare(staged, "SELECT store_id FROM sds_staged_stores ORDER BY store_id");
      int rc;
      while ((rc = sqlite3_step(staged.get())) == SQLITE_ROW)
        ids.emplace_back(column_text(staged, 0));
      if (rc != SQLITE_DONE) connection.fail(rc, "reading the staged stores");
    }
    for (const std::string& id : ids) {
      if (!store_exists(connection, id)) {
        ++report.stores_added;
        continue;
      }
      if (policy_ != core::TargetPolicy::replace) {
        throw Error(Errc::invalid_argument,
                    "store '" + core::keys::printable(id) + "' was written " + where_ +
                        " while the transfer ran",
                    "nothing was published; run the transfer again");
      }
      execute(connection, "DELETE FROM snapshots WHERE store_id = ?", "replacing a store", {id});
      execute(connection, "DELETE FROM patches WHERE store_id = ?", "replacing a store", {id});
      ++report.stores_replaced;
      report.replaced.push_back(id);
    }
    execute(connection,
            "INSERT INTO snapshots (store_id, data, clock) SELECT store_id, data, clock FROM "
            "sds_staged_snapshots",
            "publishing snapshots");
    execute(connection,
            "INSERT INTO patches (store_id, clock, data) SELECT store_id, clock, data FROM "
            "sds_staged_patches",
            "publishing patches");
    // Counts are added, never lowered (docs/DESIGN.md section 13.3); both are
    // positive, and the sum errs upward rather than wrap.
    report.blobs_counted = static_cast<std::uint64_t>(execute(
        connection,
        "UPDATE blobs SET ref_count = CASE WHEN blobs.ref_count > 9223372036854775807 - "
        "staged.ref_count THEN 9223372036854775807 ELSE blobs.ref_count + staged.ref_count END "
        "FROM sds_staged_blobs AS staged WHERE staged.hash = blobs.hash",
        "publishing reference counts"));
    report.blobs_added = static_cast<std::uint64_t>(
        execute(connection,
                "INSERT INTO blobs (hash, data, ref_count) SELECT hash, data, ref_count FROM "
                "sds_staged_blobs WHERE hash NOT IN (SELECT hash FROM blobs)",
                "publishing blobs"));
    connection.exec(kDropStaging, "removing the staging tables");
    return report;
  }

  // Whether the staging header is this staging's.
  bool owned(Connection& connection) const {
    if (!has_table(connection, "sds_staging")) return false;
    Statement statement;
    connection.prepare(statement, "SELECT COUNT(*) FROM sds_staging WHERE token = ?");
    statement.bind(1, token());
    const int rc = sqlite3_step(statement.get());
    if (rc != SQLITE_ROW) connection.fail(rc, "reading the staging header");
    return statement.column_int(0) > 0;
  }

  std::int64_t token() const { return static_cast<std::int64_t>(header_.token); }

  // Marks the file as being staged into by this process, unless another
  // process is; what a process that is gone left is removed first.
  void claim() {
    header_ = core::this_process();
    std::optional<core::StagingHeader> other;
    file_->write([&](Connection& connection, Statements&) {
      other.reset();
      if (const auto found = read_header(connection); found && core::is_running(*found)) {
        other = found;
        return;
      }
      connection.exec(kDropStaging, "removing an interrupted staging");
      for (const char* sql : kCreateStaging) connection.exec(sql, "creating the staging tables");
      Statement insert;
      connection.prepare(insert,
                         "INSERT INTO sds_staging (token, pid, pid_started, started, host, "
                         "boot_id) VALUES (?,?,?,?,?,?)");
      insert.bind(1, token());
      insert.bind(2, static_cast<std::int64_t>(header_.pid));
      insert.bind(3, static_cast<std::int64_t>(header_.pid_started));
      insert.bind(4, static_cast<std::int64_t>(header_.started));
      bind_text(insert, 5, header_.host);
      bind_text(insert, 6, header_.boot_id);
      connection.step_done(insert, "writing the staging header");
    });
    if (other) {
      throw Error(
          Errc::busy,
          "another transfer into " + core::in_quotes(file_->uri()) + " is running (process " +
              std::to_string(other->pid) + " on " + other->host + ")",
          "wait for it to end; if that process is gone, run this on " + other->host + " again");
    }
  }

  std::shared_ptr<NodeFile> file_;
  core::TargetPolicy policy_;
  std::string where_;
  core::StagingHeader header_;
  State state_ = State::staging;
  std::optional<Current> current_;
  core::StagingOrder order_;
  std::vector<Row> rows_;
  std::size_t pending_bytes_ = 0;
};

}  // namespace

std::optional<core::StagingArea> find_node_staging(NodeFile& file) {
  std::optional<core::StagingArea> area;
  file.read([&](Connection& connection, Statements&) {
    area.reset();
    const std::optional<core::StagingHeader> header = read_header(connection);
    if (!header) return;
    core::StagingArea found;
    found.header = *header;
    found.running = core::is_running(*header);
    found.stores = static_cast<std::uint64_t>(
        query(connection, "SELECT COUNT(*) FROM sds_staged_stores", "counting staged stores"));
    found.blobs = static_cast<std::uint64_t>(
        query(connection, "SELECT COUNT(*) FROM sds_staged_blobs", "counting staged blobs"));
    area = found;
  });
  return area;
}

std::unique_ptr<core::Staging> begin_node_staging(std::shared_ptr<NodeFile> file,
                                                  core::TargetPolicy policy) {
  return std::make_unique<NodeStaging>(std::move(file), policy);
}

}  // namespace sds::backend::node
