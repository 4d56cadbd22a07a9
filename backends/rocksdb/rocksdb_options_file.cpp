#include "backends/rocksdb/rocksdb_options_file.hpp"

#include <rocksdb/file_system.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <ctime>
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

// RocksDB's info log (LOG, rolled to LOG.old.<time> at open), written as far
// as the disk allows. RocksDB's own logger keeps writing after an append
// failed, and its file writer then fails an assertion in builds that keep
// them (Debian's): on a full disk, the next log line (the next open writes
// several) would abort the process. This one drops the lines that do not fit.
//
// Lines without a level are RocksDB's header lines (at WARN_LEVEL, INFO lines
// do not reach the logger): its options and the files it found, about 200 at
// every open. They wait for the next line with a level (a warning or an
// error, which goes out at once), a Flush() (the end of every open asks for
// one) or the close, and go out in one write: written one by one, they were
// 200 write() calls of every open.
class BestEffortLogger final : public rocksdb::Logger {
 public:
  explicit BestEffortLogger(std::unique_ptr<FSWritableFile> file) : file_(std::move(file)) {}
  ~BestEffortLogger() override { BestEffortLogger::CloseImpl().PermitUncheckedError(); }

  using rocksdb::Logger::Logv;
  // RocksDB's Logger::Logv(level, ...) puts the level first: "[WARN] ...".
  void Logv(const char* format, va_list args) override { add_line(format, args, format[0] == '['); }
  void Flush() override {
    std::lock_guard lock(mutex_);
    write_pending();
  }
  // What AutoRollLogger compares with max_log_file_size.
  std::size_t GetLogFileSize() const override { return size_; }

 protected:
  rocksdb::Status CloseImpl() override {
    std::lock_guard lock(mutex_);
    write_pending();
    if (file_) file_->Close(IOOptions(), nullptr).PermitUncheckedError();
    file_.reset();
    return rocksdb::Status::OK();
  }

 private:
  // Lines waiting beyond this are written at once: a bound on what waits.
  static constexpr std::size_t kMaxPending = 64 << 10;

  void add_line(const char* format, va_list args, bool at_once) {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
        1000000;
    std::tm local{};
    localtime_r(&seconds, &local);
    char line[1024];
    int size = std::snprintf(line, sizeof line, "%04d/%02d/%02d-%02d:%02d:%02d.%06lld ",
                             local.tm_year + 1900, local.tm_mon + 1, local.tm_mday, local.tm_hour,
                             local.tm_min, local.tm_sec, static_cast<long long>(micros));
    const int text =
        std::vsnprintf(line + size, sizeof line - static_cast<std::size_t>(size) - 1, format, args);
    // A longer line is cut (vsnprintf counts what it would have written).
    size = std::min<int>(size + std::max(text, 0), static_cast<int>(sizeof line) - 2);
    line[size++] = '\n';
    std::lock_guard lock(mutex_);
    pending_.append(line, static_cast<std::size_t>(size));
    if (at_once || pending_.size() >= kMaxPending) write_pending();
  }

  // Writes the lines waiting, or drops them if the file refuses them.
  void write_pending() {
    if (!file_ || pending_.empty()) return;
    if (file_->Append(rocksdb::Slice(pending_), IOOptions(), nullptr).ok()) {
      size_ += pending_.size();
    }
    file_->Flush(IOOptions(), nullptr).PermitUncheckedError();
    pending_.clear();
  }

  std::mutex mutex_;
  std::unique_ptr<FSWritableFile> file_;
  std::string pending_;  // lines not written yet
  std::atomic<std::size_t> size_{0};
};

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

  IOStatus NewLogger(const std::string& path, const IOOptions& options,
                     std::shared_ptr<rocksdb::Logger>* result, IODebugContext* dbg) override {
    std::unique_ptr<FSWritableFile> file;
    FileOptions file_options;
    file_options.io_options = options;
    IOStatus status = NewWritableFile(path, file_options, &file, dbg);
    if (status.ok()) *result = std::make_shared<BestEffortLogger>(std::move(file));
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
    return rocksdb::NewCompositeEnv(
               std::make_shared<FileSystemWithoutOptionsFileSyncs>(
                   base_file_system ? base_file_system : rocksdb::FileSystem::Default()))
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
