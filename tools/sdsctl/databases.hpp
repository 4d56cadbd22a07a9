// Opening databases as sdsctl's subcommands need them: sources read-only,
// existing databases for in-place writes, and targets of transfers, which are
// never the source itself and are removed again when this run created them
// and failed.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "core/open_shared_backend.hpp"

namespace sdsctl {

// Opens `uri` for reading only: nothing is created. An archive given where a
// database belongs is refused as such, with the command that reads it.
sds::core::OpenedBackend open_source(const std::string& uri);

// Opens `uri` for writing, refusing (not_found) a database that does not
// exist: for the subcommands that change a database in place.
sds::core::OpenedBackend open_existing(const std::string& uri);

// The target of copy, import and salvage: opened for writing, created if
// missing. Unless keep() is called, the destructor removes a database that
// this run created (its files or directory), so a failed or interrupted run
// leaves no new empty database behind.
class Target {
 public:
  // Throws invalid_argument when `uri` names the database `source` itself:
  // the same scheme and path, or the same file or directory by device and
  // inode (hard links, bind mounts).
  Target(const std::string& uri, const sds::core::SharedBackend* source);
  ~Target();
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;

  const std::shared_ptr<sds::core::SharedBackend>& shared() const { return shared_; }
  const std::string& uri() const { return shared_->uri(); }
  bool created() const { return created_; }
  // The run succeeded: what it created stays.
  void keep() { kept_ = true; }

 private:
  sds::core::ResolvedUri resolved_;
  std::shared_ptr<sds::core::SharedBackend> shared_;
  bool created_ = false;
  bool kept_ = false;
  std::vector<std::string> siblings_before_;  // files named like the database, for a file scheme
};

}  // namespace sdsctl
