// Opening databases as sdsctl's subcommands need them: sources read-only,
// existing databases for in-place writes, and targets of transfers, which are
// never the source itself and are removed again when this run created them
// and failed.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "core/maintenance/contents.hpp"
#include "core/open_shared_backend.hpp"
#include "core/staging.hpp"
#include "core/store_level_database.hpp"

namespace sdsctl {

// Opens `uri` for reading only: nothing is created. An archive given where a
// database belongs is refused as such, with the command that reads it.
sds::core::OpenedBackend open_source(const std::string& uri);

// Opens `uri` for writing, refusing (not_found) a database that does not
// exist: for the subcommands that change a database in place.
sds::core::OpenedBackend open_existing(const std::string& uri);

// Refuses an archive given where a database belongs, with the command that
// reads it; for the subcommands that open the database through the public API.
void refuse_archive(const std::string& uri);

// A database that copy, export and verify read, on every scheme, opened
// read-only: a key-value one through its SharedBackend (records moved as
// stored), a Store-level one through the public Database (records encoded as
// the core stores them, core/maintenance/database_contents.hpp).
class Source {
 public:
  explicit Source(const std::string& uri);

  const std::string& uri() const;
  // As opened: the canonical path, for telling a target apart.
  const sds::BackendConfig& config() const { return resolved_.config; }
  // The key-value database; null for a Store-level scheme.
  sds::core::SharedBackend* kv() const { return kv_.get(); }
  // The Store-level scheme's database; null for a key-value scheme.
  sds::Database* database() const { return database_.get(); }
  std::uint32_t format_version() const;

  // How many stores `selection` names; Errc::not_found for one there is not.
  std::size_t count_stores(const sds::core::maintenance::Selection& selection);
  // Hands the selected contents to `visitor`; a Store-level scheme's
  // snapshots and blobs are compressed as `compression` says.
  sds::core::maintenance::ContentCounts read(const sds::core::maintenance::Selection& selection,
                                             sds::core::ContentVisitor& visitor,
                                             const sds::core::maintenance::Progress& progress,
                                             const sds::core::Compression& compression = {});

 private:
  sds::core::ResolvedUri resolved_;
  std::shared_ptr<sds::core::SharedBackend> kv_;
  std::unique_ptr<sds::Database> database_;
};

// The target of copy, import and salvage: opened for writing, created if
// missing. Unless keep() is called, the destructor removes a database that
// this run created (its files or directory), so a failed or interrupted run
// leaves no new empty database behind.
class Target {
 public:
  // Throws invalid_argument when `uri` names the database `source` (opened
  // with that configuration) itself: the same scheme and path, or the same
  // file or directory by device and inode (hard links, bind mounts); and
  // unsupported for a Store-level scheme that offers no staging step.
  Target(const std::string& uri, const sds::BackendConfig* source);
  ~Target();
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;

  const std::string& uri() const { return resolved_.config.uri; }
  // Begins the one staging step of copy, import and salvage into the target.
  std::unique_ptr<sds::core::Staging> begin_staging(sds::core::TargetPolicy policy);
  // What the target policies weigh.
  sds::core::TargetContents count();
  // How records written into a key-value target are compressed (its URI's
  // compression parameters).
  const sds::core::Compression& compression() const { return resolved_.options.compression; }
  bool created() const { return created_; }
  // The run succeeded: what it created stays.
  void keep() { kept_ = true; }

 private:
  sds::core::ResolvedUri resolved_;
  std::shared_ptr<sds::core::SharedBackend> shared_;         // a key-value scheme
  std::shared_ptr<sds::core::StoreLevelDatabase> database_;  // a Store-level one
  bool created_ = false;
  bool kept_ = false;
  std::vector<std::string> siblings_before_;  // files named like the database, for a file scheme
};

}  // namespace sdsctl
