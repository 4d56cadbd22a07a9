#include "tools/sdsctl/databases.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>

#include "core/errors.hpp"
#include "core/maintenance/archive.hpp"
#include "core/maintenance/database_contents.hpp"
#include "sds/error.hpp"

namespace sdsctl {
namespace {

namespace fs = std::filesystem;
using sds::core::in_quotes;

// An archive given where a database belongs: say so, not "file is not a
// database".
void refuse_archive_at(const sds::core::ResolvedUri& resolved) {
  const std::string& path = resolved.config.path;
  std::error_code error;
  const sds::PathKind kind = resolved.info.path_kind;
  if (kind == sds::PathKind::name || kind == sds::PathKind::server ||
      !fs::is_regular_file(path, error)) {
    return;
  }
  if (!sds::core::maintenance::looks_like_archive(path)) return;
  throw sds::Error(sds::Errc::invalid_argument,
                   in_quotes(resolved.config.uri) + " names an sdsctl archive, not a database",
                   "`sdsctl import " + path + " URI` restores it into a database");
}

struct FileId {
  dev_t device;
  ino_t inode;
};

std::optional<FileId> file_id(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return std::nullopt;
  return FileId{info.st_dev, info.st_ino};
}

// Files in the directory of `path` named like it with a suffix ("x.db-wal"):
// what a file backend may create next to its file.
std::vector<std::string> siblings(const std::string& path) {
  std::vector<std::string> out;
  const fs::path file(path);
  const std::string prefix = file.filename().string() + "-";
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(file.parent_path(), error)) {
    if (entry.path().filename().string().starts_with(prefix)) out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

void refuse_archive(const std::string& uri) {
  refuse_archive_at(sds::core::resolve_uri(uri, {.read_only = true}));
}

sds::core::OpenedBackend open_source(const std::string& uri) {
  refuse_archive(uri);
  return sds::core::open_shared_backend(uri, {.read_only = true});
}

Source::Source(const std::string& uri)
    : resolved_(sds::core::resolve_uri(uri, {.read_only = true})) {
  refuse_archive_at(resolved_);
  if (resolved_.info.open_kv) {
    kv_ = sds::core::open_shared_backend(uri, {.read_only = true}).shared;
  } else {
    database_ = sds::open_database(uri, {.read_only = true});
  }
}

const std::string& Source::uri() const { return resolved_.config.uri; }

std::uint32_t Source::format_version() const {
  // A Store-level scheme's records are handed on in the core's format.
  return kv_ ? kv_->format_version() : sds::core::kFormatVersion;
}

std::size_t Source::count_stores(const sds::core::maintenance::Selection& selection) {
  namespace maintenance = sds::core::maintenance;
  return kv_ ? maintenance::select_stores(*kv_, selection).size()
             : maintenance::select_store_ids(*database_, selection).size();
}

sds::core::maintenance::ContentCounts Source::read(
    const sds::core::maintenance::Selection& selection, sds::core::ContentVisitor& visitor,
    const sds::core::maintenance::Progress& progress, const sds::core::Compression& compression) {
  namespace maintenance = sds::core::maintenance;
  if (kv_) return maintenance::read_contents(*kv_, selection, visitor, progress);
  return maintenance::read_database_contents(*database_, selection, visitor, progress, compression);
}

sds::core::OpenedBackend open_existing(const std::string& uri) {
  // A read-only open first refuses a database that does not exist; it is
  // closed again before the writable open.
  open_source(uri);
  return sds::core::open_shared_backend(uri, {});
}

Target::Target(const std::string& uri, const sds::BackendConfig* source)
    : resolved_(sds::core::resolve_uri(uri, {})) {
  const sds::BackendConfig& config = resolved_.config;
  refuse_archive_at(resolved_);
  const bool named = resolved_.info.path_kind == sds::PathKind::name ||
                     resolved_.info.path_kind == sds::PathKind::server;
  std::error_code error;
  if (source) {
    const sds::BackendConfig& from = *source;
    std::string scheme = from.uri.substr(0, from.uri.find(':'));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](char c) {
      return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    // A server's database is named by its address and parameters too.
    bool same = scheme == resolved_.info.scheme && from.path == config.path &&
                (resolved_.info.path_kind != sds::PathKind::server ||
                 (from.authority == config.authority && from.params == config.params)) &&
                std::find(resolved_.info.private_paths.begin(), resolved_.info.private_paths.end(),
                          config.path) == resolved_.info.private_paths.end();
    if (!named && !same) {
      const auto a = file_id(from.path);
      const auto b = file_id(config.path);
      same = a && b && a->device == b->device && a->inode == b->inode;
    }
    if (same) {
      throw sds::Error(sds::Errc::invalid_argument,
                       "cannot write " + in_quotes(from.uri) + " into " + in_quotes(config.uri) +
                           ": they are the same database ('" + config.path + "')",
                       "name another target");
    }
  }
  created_ = !named && !fs::exists(config.path, error);
  if (created_ && resolved_.info.path_kind == sds::PathKind::file) {
    siblings_before_ = siblings(config.path);
  }
  if (resolved_.info.open_kv) {
    shared_ = sds::core::open_shared_backend(uri, {}).shared;
    return;
  }
  std::shared_ptr<sds::Database> opened = sds::open_database(uri);
  database_ = std::dynamic_pointer_cast<sds::core::StoreLevelDatabase>(opened);
  if (!database_) {
    throw sds::Error(sds::Errc::unsupported,
                     "cannot write into " + in_quotes(config.uri) + ": scheme " +
                         resolved_.info.scheme + " offers no staging step",
                     "copy into a key-value scheme (sqlite:, lmdb:, rocksdb:) or sds-node:");
  }
}

std::unique_ptr<sds::core::Staging> Target::begin_staging(sds::core::TargetPolicy policy) {
  if (shared_) return sds::core::begin_staging(shared_, policy);
  return database_->begin_staging(policy);
}

sds::core::TargetContents Target::count() {
  return shared_ ? sds::core::count_target(*shared_) : database_->count_contents();
}

Target::~Target() {
  if (!created_ || kept_) return;
  const std::string path = resolved_.config.path;
  const bool file = resolved_.info.path_kind == sds::PathKind::file;
  shared_.reset();  // closes the database: the last owner, once the staging is gone
  database_.reset();
  std::error_code error;
  if (!file) {
    fs::remove_all(path, error);
    return;
  }
  fs::remove(path, error);
  for (const std::string& sibling : siblings(path)) {
    if (!std::binary_search(siblings_before_.begin(), siblings_before_.end(), sibling)) {
      fs::remove(sibling, error);
    }
  }
}

}  // namespace sdsctl
