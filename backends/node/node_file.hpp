// One SQLite file in the layout of the npm package @rozek/sds-persistence-node
// (docs/FORMAT.md, "The sds-node: layout"), shared by every Database and
// Store of this process that opened it: one connection, its statements, and
// the per-store figures of docs/DESIGN.md section 6.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "backends/sqlite/connection.hpp"
#include "sds/registry.hpp"

namespace sds::backend::node {

using sqlite::Connection;
using sqlite::Statement;

// What this process knows of one store between calls, so that
// accumulated_bytes() is O(1): loaded from the tables when first needed,
// kept exact by this process's writes.
struct Figures {
  std::optional<Clock> snapshot_clock;
  std::uint64_t accumulated = 0;  // patch bytes above the snapshot clock
};

// The largest clock the layout holds: SQLite's INTEGER is a signed 64-bit number.
inline constexpr Clock kMaxNodeClock = static_cast<Clock>(INT64_MAX);

// The statements of the Node package (issue text, docs/FORMAT.md), and the
// few more the extras need, all on the file's one connection.
struct Statements {
  Statement load_snapshot{"SELECT data, clock FROM snapshots WHERE store_id = ?"};
  Statement snapshot_clock{"SELECT clock FROM snapshots WHERE store_id = ?"};
  Statement save_snapshot{
      "INSERT INTO snapshots (store_id, data, clock) VALUES (?,?,?) ON CONFLICT(store_id) DO "
      "UPDATE SET data=excluded.data, clock=excluded.clock"};
  Statement load_patches{
      "SELECT clock, data FROM patches WHERE store_id = ? AND clock > ? ORDER BY clock ASC "
      "LIMIT ?"};
  Statement append{"INSERT OR IGNORE INTO patches (store_id, clock, data) VALUES (?,?,?)"};
  Statement prune{"DELETE FROM patches WHERE store_id = ? AND clock < ?"};
  Statement prune_all{"DELETE FROM patches WHERE store_id = ?"};
  Statement drop_snapshot{"DELETE FROM snapshots WHERE store_id = ?"};
  Statement patch_bytes{
      "SELECT COALESCE(SUM(length(data)), 0) FROM patches WHERE store_id = ? AND clock > ?"};
  Statement load_value{"SELECT data FROM blobs WHERE hash = ?"};
  Statement save_value{
      "INSERT INTO blobs (hash, data, ref_count) VALUES (?,?,1) ON CONFLICT(hash) DO UPDATE SET "
      "ref_count = ref_count + 1"};
  Statement retain_value{"UPDATE blobs SET ref_count = ref_count + 1 WHERE hash = ?"};
  Statement release_value{"UPDATE blobs SET ref_count = ref_count - 1 WHERE hash = ?"};
  Statement delete_value{"DELETE FROM blobs WHERE hash = ? AND ref_count <= 0"};
};

// Refuses (invalid_argument) a store id or hash that is not valid UTF-8:
// the Node package reads TEXT as a JavaScript string, so any other bytes
// would come back as a different id. `what` is "store id" or "blob hash".
void check_utf8(std::string_view text, std::string_view what, std::string_view where);
// Refuses (invalid_argument) a clock the layout cannot hold, for `what`
// ("patch", "snapshot", "checkpoint").
void check_clock(Clock clock, std::string_view what, std::string_view where);

// Binds text as SQLite TEXT (the Node package binds JavaScript strings).
void bind_text(Statement& statement, int index, std::string_view text);
// Binds a clock of at most INT64_MAX (callers check).
void bind_clock(Statement& statement, int index, Clock clock);
// The text of a column, as bytes.
std::string_view column_text(const Statement& statement, int index);

class NodeFile {
 public:
  // The file of `config.path`, opened with the Node package's pragmas
  // (WAL, synchronous as the sync mode says) and its tables created unless
  // read-only; shared while any opener holds it. Throws Errc::corruption
  // naming the layout for a file of another layout (sds-persistence's own
  // sqlite: layout included).
  static std::shared_ptr<NodeFile> open(const BackendConfig& config);
  ~NodeFile();

  const BackendConfig& config() const { return config_; }
  const std::string& uri() const { return config_.uri; }
  bool read_only() const { return config_.read_only; }
  // "in 'URI'" and "in 'URI', store 'id'", for messages.
  std::string where() const;
  std::string where(std::string_view store_id) const;

  // Runs `fn` with the connection in one read transaction (a consistent view).
  void read(const std::function<void(Connection&, Statements&)>& fn);
  // Runs `fn` in one write transaction (BEGIN IMMEDIATE, waiting up to the
  // busy timeout for other processes), committed when it returns and rolled
  // back when it throws. Keep `fn` short: other processes wait meanwhile.
  void write(const std::function<void(Connection&, Statements&)>& fn);

  // The figures of `store_id`: loaded in a read transaction when unknown.
  Figures figures(const std::string& store_id);
  // The figures as `fn` leaves them, computed inside the write transaction
  // that `fn` runs in (loaded there first when unknown), published when it
  // commits: the figures change in commit order.
  void write_store(const std::string& store_id,
                   const std::function<void(Connection&, Statements&, Figures&)>& fn);
  // Forgets every figure (after a transfer published stores).
  void forget_figures();

  // The store's figures as the tables say, in the transaction running on
  // the connection.
  static Figures load_figures(Statements& statements, Connection& connection,
                              std::string_view store_id);

  // Makes every committed transaction durable, whatever the sync mode.
  void flush();

  // The file's size with its WAL.
  std::uint64_t bytes_on_disk() const;

 private:
  explicit NodeFile(const BackendConfig& config);
  void run(bool writes, const std::function<void(Connection&, Statements&)>& fn);
  void write_figures(const std::string& store_id,
                     const std::function<void(Connection&, Statements&, Figures&)>& fn);

  BackendConfig config_;
  std::mutex mutex_;  // the connection: one transaction at a time
  std::unique_ptr<Connection> connection_;
  // A read-only open removes at its close the -wal and -shm files its
  // connection created (docs/DESIGN.md section 11.7).
  bool remove_wal_files_at_close_ = false;
  std::unique_ptr<Statements> statements_;  // finalized before the connection closes
  std::mutex figures_mutex_;
  std::map<std::string, Figures, std::less<>> figures_;
};

struct BlobTotals {
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
};
// The blobs of the file, in the transaction running on `connection`.
BlobTotals count_blobs(Connection& connection);

}  // namespace sds::backend::node
