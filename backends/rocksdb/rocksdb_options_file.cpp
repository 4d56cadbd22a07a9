#include "backends/rocksdb/rocksdb_options_file.hpp"

#include <rocksdb/file_system.h>

#include <mutex>
#include <string>
#include <string_view>

namespace sds::backend::rocks {
namespace {

using rocksdb::DirFsyncOptions;
using rocksdb::FileOptions;
using rocksdb::FSDirectory;
using rocksdb::FSWritableFile;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;

// RocksDB writes OPTIONS-<number>.dbtmp, syncs it, renames it to
// OPTIONS-<number> and syncs the directory.
bool is_options_file(std::string_view path) {
  const std::string_view name = path.substr(path.find_last_of('/') + 1);
  return name.starts_with("OPTIONS-");
}

class UnsyncedFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  using FSWritableFileOwnerWrapper::FSWritableFileOwnerWrapper;
  IOStatus Sync(const IOOptions&, IODebugContext*) override { return IOStatus::OK(); }
  IOStatus Fsync(const IOOptions&, IODebugContext*) override { return IOStatus::OK(); }
};

// Skips only the directory sync that follows renaming an OPTIONS file; every
// other one (CURRENT, new table, blob and log files) goes through.
class DirectoryWithoutOptionsFileSyncs final : public rocksdb::FSDirectoryWrapper {
 public:
  using FSDirectoryWrapper::FSDirectoryWrapper;
  IOStatus FsyncWithDirOptions(const IOOptions& options, IODebugContext* dbg,
                               const DirFsyncOptions& dir_fsync_options) override {
    if (dir_fsync_options.reason == DirFsyncOptions::kFileRenamed &&
        is_options_file(dir_fsync_options.renamed_new_name)) {
      return IOStatus::OK();
    }
    return FSDirectoryWrapper::FsyncWithDirOptions(options, dbg, dir_fsync_options);
  }
};

class FileSystemWithoutOptionsFileSyncs final : public rocksdb::FileSystemWrapper {
 public:
  using FileSystemWrapper::FileSystemWrapper;
  const char* Name() const override { return "FileSystemWithoutOptionsFileSyncs"; }

  IOStatus NewWritableFile(const std::string& path, const FileOptions& options,
                           std::unique_ptr<FSWritableFile>* result, IODebugContext* dbg) override {
    IOStatus status = FileSystemWrapper::NewWritableFile(path, options, result, dbg);
    if (status.ok() && is_options_file(path)) {
      *result = std::make_unique<UnsyncedFile>(std::move(*result));
    }
    return status;
  }

  IOStatus NewDirectory(const std::string& path, const IOOptions& options,
                        std::unique_ptr<FSDirectory>* result, IODebugContext* dbg) override {
    IOStatus status = FileSystemWrapper::NewDirectory(path, options, result, dbg);
    if (status.ok()) {
      *result = std::make_unique<DirectoryWithoutOptionsFileSyncs>(std::move(*result));
    }
    return status;
  }
};

std::mutex base_mutex;
std::shared_ptr<rocksdb::FileSystem> base_file_system;  // null: the default
bool env_made = false;

}  // namespace

rocksdb::Env* env_without_options_file_syncs() {
  // Never destroyed: databases may close during static destruction.
  static rocksdb::Env* const env = [] {
    std::lock_guard lock(base_mutex);
    env_made = true;
    return rocksdb::NewCompositeEnv(std::make_shared<FileSystemWithoutOptionsFileSyncs>(
                                        base_file_system ? base_file_system
                                                         : rocksdb::FileSystem::Default()))
        .release();
  }();
  return env;
}

bool set_base_file_system(std::shared_ptr<rocksdb::FileSystem> file_system) {
  std::lock_guard lock(base_mutex);
  if (env_made) return false;
  base_file_system = std::move(file_system);
  return true;
}

}  // namespace sds::backend::rocks
