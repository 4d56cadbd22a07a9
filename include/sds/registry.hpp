// The backend registry: which URI schemes exist, and how third parties add one.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sds/database.hpp"
#include "sds/export.hpp"
#include "sds/kv.hpp"

namespace sds {

// The `sync` URI parameter: the same promise on every backend (docs/DESIGN.md section 9).
enum class SyncMode {
  off,     // process crash: nothing returned is lost; power loss: anything since
           // the last flush() or clean close may be lost, repair may be needed
  normal,  // process crash: nothing lost; power loss: intact, the latest writes
           // may be missing (the default, as the Node package)
  full,    // nothing that returned is ever lost
};

// One backend-specific URI parameter, for validation and for `sdsctl backends`.
struct ParamSpec {
  std::string name;
  std::string default_value;
  std::string help;
};

// Everything a backend needs to open, parsed and checked by the core.
struct BackendConfig {
  std::string uri;        // for messages: password masked
  std::string authority;  // `//authority` part, empty when absent
  std::string path;       // percent-decoded; canonical for PathKind::file/directory
  // Backend-specific parameters as given (only names the backend declared).
  std::map<std::string, std::string> params;
  SyncMode sync = SyncMode::normal;
  bool read_only = false;
};

// What the path of a scheme's URI names; decides how the core checks it.
enum class PathKind {
  file,       // a file whose parent directory must exist
  directory,  // a directory, created by the backend, whose parent must exist
  name,       // a free-form name (`memory:NAME`), passed through as it is
  // A database on a server (`postgres://user@host:port/db`): the authority
  // names the server(s), the path the database; both passed through as they
  // are. The handle cache keys on the authority (without its password), the
  // path and the BackendInfo::target_params.
  server,
};

// What a backend promises beyond the kv trait (docs/DESIGN.md section 3.5).
// Tests, tools and applications branch on these, never on a scheme's name; the
// conformance suite checks every promise declared here. The defaults promise
// nothing, so a backend declares each one it keeps.
struct BackendCapabilities {
  // The data outlives the process: after the process is killed (SIGKILL), a
  // reopen finds every write that returned (docs/DESIGN.md section 9).
  bool persistent = false;
  // Several processes may open one database at once, and read and write it.
  bool multi_process = false;
  // update() may run on several threads of this process at once: the backend
  // orders concurrent transactions itself (postgres: each on a connection of
  // its own, serializable, rerun on conflict). The core then runs a group
  // commit per lane of stores, so that writes to different stores proceed in
  // parallel (docs/DESIGN.md section 3.7). Without it, one update() at a time.
  bool concurrent_writes = false;
  // kv::Backend::compact() gives space back to the file system; without it,
  // compact() throws Errc::unsupported.
  bool compaction = false;
  // kv::Backend::bytes_on_disk() knows the size of a database (of every path
  // but the private_paths), so Store::stats() and Database::stats() report it.
  bool reports_size = false;

  // What the stored layout holds (docs/DESIGN.md section 3.5). A key-value
  // scheme stores the core's layout, which holds all of it: register_backend()
  // sets these five for it. A Store-level scheme declares what its layout
  // holds; the conformance suite checks the limits as well as the promises.
  //
  // Store ids and blob hashes may be any bytes; false: only valid UTF-8 (the
  // layout keeps them as text), others are refused with invalid_argument.
  bool binary_ids = false;
  // Snapshots and blobs are compressed where it pays, and the URI parameters
  // `compression` and `level` apply; false: records are stored as given, and
  // those parameters are refused.
  bool compression = false;
  // Every record carries a checksum that reads verify (Errc::corruption).
  bool checksums = false;
  // The largest clock the layout holds; a write of a larger one is refused
  // with invalid_argument (reads and prunes take any clock).
  Clock max_clock = static_cast<Clock>(std::numeric_limits<std::int64_t>::max());
  // DatabaseStats::format_version of the layout; 0 for a layout without one.
  std::uint32_t format_version = 0;
};

// What open_database() hands a Store-level scheme besides its BackendConfig:
// the common URI parameters that concern its stores.
struct DatabaseSettings {
  std::uint64_t checkpoint_bytes = kDefaultCheckpointBytes;
};

struct BackendInfo {
  std::string scheme;       // lower case: letters, digits, + - .
  std::string description;  // one line, for `sdsctl backends`
  PathKind path_kind = PathKind::file;
  BackendCapabilities capabilities;
  // Paths that name no file and are opened afresh each time (":memory:").
  std::vector<std::string> private_paths;
  std::vector<ParamSpec> params;  // besides the common ones
  // Of `params`, those that name another database rather than configure the
  // way to one (postgres: `table`, `host`, `dbname`, ...): opens that differ in
  // them are different databases, not one open with other parameters
  // (docs/DESIGN.md section 11.3).
  std::vector<std::string> target_params;
  // Exactly one of the two factories is set.
  //
  // A key-value scheme: opens a key-value database the core serves stores
  // from, in the core's layout. Opens of the same canonical path are shared:
  // this is called once per path while it is open.
  std::function<std::shared_ptr<kv::Backend>(const BackendConfig&)> open_kv;
  // A Store-level scheme: opens a Database that serves sds::Store itself over
  // a layout of its own (docs/DESIGN.md section 3.5), on every open_database()
  // of the scheme. It keeps the contract of section 4 within the limits it
  // declares in `capabilities`; sharing state between opens of one path is
  // its business.
  std::function<std::unique_ptr<Database>(const BackendConfig&, const DatabaseSettings&)>
      open_database;
};

// The common URI parameters every scheme accepts.
SDS_API std::vector<ParamSpec> common_params();

// Adds a scheme. Throws invalid_argument for a malformed or taken scheme, or
// unless exactly one of open_kv and open_database is set. Thread-safe; the built-in schemes are
// always registered first.
SDS_API void register_backend(BackendInfo info);

// The schemes this process can open (built in and registered), sorted.
SDS_API std::vector<std::string> backends();

// The descriptions of those schemes, sorted by scheme.
SDS_API std::vector<BackendInfo> backend_infos();

}  // namespace sds
