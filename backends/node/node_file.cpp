#include "backends/node/node_file.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>
#include <vector>

#include "backends/node/node_layout.hpp"
#include "core/errors.hpp"
#include "core/keys.hpp"
#include "core/size_units.hpp"
#include "sds/error.hpp"

namespace sds::backend::node {
namespace {

constexpr const char* kDefaultBusyTimeout = "5000";

std::mutex& files_mutex() {
  static std::mutex mutex;
  return mutex;
}

// The open files of this process, by path and mode.
std::map<std::string, std::weak_ptr<NodeFile>>& open_files() {
  static std::map<std::string, std::weak_ptr<NodeFile>> files;
  return files;
}

}  // namespace

namespace {

// The length of the UTF-8 sequence at `text[i]`, or 0 where it is not one
// (overlong forms, surrogates and code points over U+10FFFF included).
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint32_t code = 0;
  std::uint32_t minimum = 0;
  if ((lead & 0xe0) == 0xc0) {
    length = 2, code = lead & 0x1f, minimum = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, code = lead & 0x0f, minimum = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, code = lead & 0x07, minimum = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3f);
  }
  if (code < minimum || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;
  return length;
}

}  // namespace

void check_utf8(std::string_view text, std::string_view what, std::string_view where) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence(text, i);
    if (length == 0) {
      throw Error(Errc::invalid_argument,
                  std::string(what) + " '" + core::keys::printable(text) + "' " +
                      std::string(where) + " is not valid UTF-8 (byte " + std::to_string(i) + ")",
                  "the Node package's layout keeps ids and hashes as text, which the Node side "
                  "would read back as a different string; use UTF-8, or a key-value scheme "
                  "(sqlite:, lmdb:, rocksdb:) for arbitrary bytes");
    }
    i += length;
  }
}

void check_clock(Clock clock, std::string_view what, std::string_view where) {
  if (clock <= kMaxNodeClock) return;
  throw Error(Errc::invalid_argument,
              std::string(what) + " clock " + std::to_string(clock) + " " + std::string(where) +
                  " is over the largest clock the Node package's layout holds, 2^63-1",
              "the clock column is SQLite's signed 64-bit INTEGER; use a key-value scheme "
              "(sqlite:, lmdb:, rocksdb:) for clocks up to 2^64-1");
}

void bind_text(Statement& statement, int index, std::string_view text) {
  static const char kEmpty = 0;  // a null pointer would bind SQL NULL
  sqlite3_bind_text64(statement.get(), index, text.empty() ? &kEmpty : text.data(), text.size(),
                      SQLITE_STATIC, SQLITE_UTF8);
}

void bind_clock(Statement& statement, int index, Clock clock) {
  statement.bind(index, static_cast<std::int64_t>(clock));
}

std::string_view column_text(const Statement& statement, int index) {
  const auto* text = sqlite3_column_text(statement.get(), index);
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement.get(), index));
  return {reinterpret_cast<const char*>(text), text ? size : 0};
}

std::shared_ptr<NodeFile> NodeFile::open(const BackendConfig& config) {
  const std::string key = config.path + (config.read_only ? "\n(read-only)" : "\n(writable)");
  std::lock_guard lock(files_mutex());
  auto& files = open_files();
  if (auto file = files[key].lock()) {
    // As the key-value schemes' shared handles (docs/DESIGN.md section 11.3).
    const BackendConfig& open = file->config();
    if (open.params != config.params || open.sync != config.sync) {
      throw Error(Errc::invalid_argument,
                  core::in_quotes(config.uri) +
                      " is open in this process already with other backend parameters (" +
                      core::in_quotes(open.uri) + ")",
                  "open it with the same ones, or close it first");
    }
    return file;
  }
  std::shared_ptr<NodeFile> file(new NodeFile(config));
  files[key] = file;
  return file;
}

NodeFile::NodeFile(const BackendConfig& config) : config_(config) {
  std::error_code error;
  if (std::filesystem::is_directory(config.path, error)) {
    throw Error(Errc::io_error,
                "cannot open " + core::in_quotes(config.uri) + ": '" +
                    core::keys::printable(config.path, core::keys::kWhole) +
                    "' is a directory, not an SQLite file",
                "name a file, e.g. sds-node:" +
                    core::keys::printable(config.path, core::keys::kWhole) + "/data.db");
  }
  sqlite::ConnectionSettings settings;
  settings.uri = config.uri;
  settings.path = config.path;
  settings.sync = config.sync;
  const auto it = config.params.find("busy_timeout");
  settings.busy_timeout_ms = static_cast<int>(
      core::parse_integer(it == config.params.end() ? kDefaultBusyTimeout : it->second,
                          "busy_timeout", 0, std::numeric_limits<int>::max(), config.uri));
  // As the sqlite: backend's (docs/DESIGN.md section 11.7).
  remove_wal_files_at_close_ = config.read_only && !sqlite::wal_holds_commits(config.path);
  connection_ = std::make_unique<Connection>(settings, config.read_only);
  prepare_layout(*connection_, config);
  statements_ = std::make_unique<Statements>();
}

NodeFile::~NodeFile() {
  statements_.reset();
  const sqlite::ConnectionSettings settings = connection_->settings();
  connection_.reset();
  if (remove_wal_files_at_close_) sqlite::remove_wal_files_of_readers(settings);
  std::lock_guard lock(files_mutex());
  auto& files = open_files();
  for (auto it = files.begin(); it != files.end();) {
    it = it->second.expired() ? files.erase(it) : std::next(it);
  }
}

std::string NodeFile::where() const { return "in " + core::in_quotes(config_.uri); }

std::string NodeFile::where(std::string_view store_id) const {
  return where() + ", store '" + core::keys::printable(store_id) + "'";
}

void NodeFile::run(bool writes, const std::function<void(Connection&, Statements&)>& fn) {
  std::lock_guard lock(mutex_);
  Connection& connection = *connection_;
  if (writes && config_.read_only) {
    throw Error(Errc::unsupported,
                "cannot write to " + core::in_quotes(config_.uri) + ": it is open read-only",
                "open it for writing");
  }
  connection.exec(writes ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED", "beginning a transaction");
  try {
    fn(connection, *statements_);
    connection.exec("COMMIT", "committing");
  } catch (...) {
    // Statements left mid-step would keep the transaction's read lock.
    for (Statement* statement :
         {&statements_->load_snapshot, &statements_->snapshot_clock, &statements_->load_patches,
          &statements_->patch_bytes, &statements_->load_value}) {
      statement->reset();
    }
    sqlite3_exec(connection.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void NodeFile::read(const std::function<void(Connection&, Statements&)>& fn) { run(false, fn); }

void NodeFile::write(const std::function<void(Connection&, Statements&)>& fn) { run(true, fn); }

Figures NodeFile::load_figures(Statements& statements, Connection& connection,
                               std::string_view store_id) {
  Figures figures;
  Statement& clock = connection.ready(statements.snapshot_clock);
  bind_text(clock, 1, store_id);
  int rc = sqlite3_step(clock.get());
  if (rc == SQLITE_ROW) figures.snapshot_clock = static_cast<Clock>(clock.column_int(0));
  clock.reset();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) connection.fail(rc, "reading a snapshot clock");
  // Patches at any clock count without a snapshot; the Node package's clocks
  // are never negative.
  Statement& bytes = connection.ready(statements.patch_bytes);
  bind_text(bytes, 1, store_id);
  bytes.bind(2, figures.snapshot_clock ? static_cast<std::int64_t>(*figures.snapshot_clock)
                                       : std::numeric_limits<std::int64_t>::min());
  rc = sqlite3_step(bytes.get());
  if (rc == SQLITE_ROW) figures.accumulated = static_cast<std::uint64_t>(bytes.column_int(0));
  bytes.reset();
  if (rc != SQLITE_ROW) connection.fail(rc, "summing patch sizes");
  return figures;
}

Figures NodeFile::figures(const std::string& store_id) {
  {
    std::lock_guard lock(figures_mutex_);
    if (const auto it = figures_.find(store_id); it != figures_.end()) return it->second;
  }
  Figures loaded;
  read([&](Connection& connection, Statements& statements) {
    loaded = load_figures(statements, connection, store_id);
  });
  std::lock_guard lock(figures_mutex_);
  // A writer may have published newer figures meanwhile: they win.
  return figures_.emplace(store_id, loaded).first->second;
}

void NodeFile::write_store(const std::string& store_id,
                           const std::function<void(Connection&, Statements&, Figures&)>& fn) {
  try {
    write_figures(store_id, fn);
  } catch (...) {
    // The figures published below may belong to a transaction that did not
    // commit: the next call loads them from the tables.
    std::lock_guard lock(figures_mutex_);
    figures_.erase(store_id);
    throw;
  }
}

void NodeFile::write_figures(const std::string& store_id,
                             const std::function<void(Connection&, Statements&, Figures&)>& fn) {
  write([&](Connection& connection, Statements& statements) {
    Figures figures;
    std::optional<Figures> known;
    {
      std::lock_guard lock(figures_mutex_);
      if (const auto it = figures_.find(store_id); it != figures_.end()) known = it->second;
    }
    figures = known ? *known : load_figures(statements, connection, store_id);
    fn(connection, statements, figures);
    // Published before COMMIT, under the connection's lock that every writer
    // of this process holds: a failed COMMIT forgets them again below.
    std::lock_guard lock(figures_mutex_);
    figures_[store_id] = figures;
  });
}

void NodeFile::forget_figures() {
  std::lock_guard lock(figures_mutex_);
  figures_.clear();
}

void NodeFile::flush() {
  std::lock_guard lock(mutex_);
  sqlite::flush_wal(*connection_);
}

BlobTotals count_blobs(Connection& connection) {
  Statement blobs;
  connection.prepare(blobs, "SELECT COUNT(*), COALESCE(SUM(length(data)), 0) FROM blobs");
  const int rc = sqlite3_step(blobs.get());
  if (rc != SQLITE_ROW) connection.fail(rc, "counting blobs");
  return {static_cast<std::uint64_t>(blobs.column_int(0)),
          static_cast<std::uint64_t>(blobs.column_int(1))};
}

std::uint64_t NodeFile::bytes_on_disk() const {
  std::uint64_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code error;
    const auto size = std::filesystem::file_size(config_.path + suffix, error);
    if (!error) total += size;
  }
  return total;
}

}  // namespace sds::backend::node
