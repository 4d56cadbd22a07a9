#include "tests/reliability/rocksdb_fault_fs.hpp"

#include <rocksdb/file_system.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "backends/rocksdb/rocksdb_options_file.hpp"
#include "tests/reliability/simulated_disk.hpp"

namespace sds::test::reliability {
namespace {

using rocksdb::DataVerificationInfo;
using rocksdb::DirFsyncOptions;
using rocksdb::FileOptions;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

SimulatedDisk& disk() { return SimulatedDisk::instance(); }

// The status of the fault the model decides for a call on `path`.
IOStatus fault_status(IoCall call, const std::string& path) {
  switch (disk().before(call, path)) {
    case Fault::none:
      return IOStatus::OK();
    case Fault::no_space:
      return IOStatus::NoSpace("injected: no space left on device", path);
    case Fault::io_error:
      break;
  }
  return IOStatus::IOError("injected I/O error", path);
}

class RecordedFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  RecordedFile(std::unique_ptr<rocksdb::FSWritableFile> file, std::string path, std::uint64_t size)
      : FSWritableFileOwnerWrapper(std::move(file)), path_(std::move(path)), size_(size) {}

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    return positioned(data, size_, [&] { return target()->Append(data, options, dbg); });
  }
  IOStatus Append(const Slice& data, const IOOptions& options, const DataVerificationInfo& info,
                  IODebugContext* dbg) override {
    return positioned(data, size_, [&] { return target()->Append(data, options, info, dbg); });
  }
  IOStatus PositionedAppend(const Slice& data, std::uint64_t offset, const IOOptions& options,
                            IODebugContext* dbg) override {
    return positioned(data, offset,
                      [&] { return target()->PositionedAppend(data, offset, options, dbg); });
  }
  IOStatus PositionedAppend(const Slice& data, std::uint64_t offset, const IOOptions& options,
                            const DataVerificationInfo& info, IODebugContext* dbg) override {
    return positioned(data, offset,
                      [&] { return target()->PositionedAppend(data, offset, options, info, dbg); });
  }
  IOStatus Truncate(std::uint64_t size, const IOOptions& options, IODebugContext* dbg) override {
    if (IOStatus status = fault_status(IoCall::write, path_); !status.ok()) return status;
    IOStatus status = target()->Truncate(size, options, dbg);
    if (status.ok()) {
      disk().truncated(path_, size);
      size_ = size;
    }
    return status;
  }
  // The model decides what survives: no real sync (it would only slow the
  // suite down). RangeSync is a hint that promises nothing, so it is no sync.
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    return sync(options, dbg);
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    return sync(options, dbg);
  }
  IOStatus RangeSync(std::uint64_t, std::uint64_t, const IOOptions&, IODebugContext*) override {
    return IOStatus::OK();
  }

 private:
  template <class Write>
  IOStatus positioned(const Slice& data, std::uint64_t offset, Write&& write) {
    if (IOStatus status = fault_status(IoCall::write, path_); !status.ok()) return status;
    IOStatus status = write();
    if (status.ok()) {
      disk().wrote(path_, offset, data.data(), data.size());
      size_ = std::max(size_, offset + data.size());
    }
    return status;
  }
  IOStatus sync(const IOOptions& options, IODebugContext* dbg) {
    if (IOStatus status = fault_status(IoCall::sync, path_); !status.ok()) return status;
    // Data RocksDB buffered in the file object goes to the operating system.
    if (IOStatus status = target()->Flush(options, dbg); !status.ok()) return status;
    disk().synced(path_);
    return IOStatus::OK();
  }

  std::string path_;
  std::uint64_t size_;
};

class RecordedDirectory final : public rocksdb::FSDirectory {
 public:
  RecordedDirectory(std::unique_ptr<rocksdb::FSDirectory> directory, std::string path)
      : directory_(std::move(directory)), path_(std::move(path)) {}
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    return FsyncWithDirOptions(options, dbg, DirFsyncOptions());
  }
  IOStatus FsyncWithDirOptions(const IOOptions&, IODebugContext*, const DirFsyncOptions&) override {
    if (IOStatus status = fault_status(IoCall::sync, path_); !status.ok()) return status;
    disk().directory_synced(path_);
    return IOStatus::OK();
  }
  IOStatus Close(const IOOptions& options, IODebugContext* dbg) override {
    return directory_->Close(options, dbg);
  }
  std::size_t GetUniqueId(char* id, std::size_t max_size) const override {
    return directory_->GetUniqueId(id, max_size);
  }

 private:
  std::unique_ptr<rocksdb::FSDirectory> directory_;
  std::string path_;
};

class ReadFile final : public rocksdb::FSRandomAccessFileOwnerWrapper {
 public:
  ReadFile(std::unique_ptr<rocksdb::FSRandomAccessFile> file, std::string path)
      : FSRandomAccessFileOwnerWrapper(std::move(file)), path_(std::move(path)) {}
  IOStatus Read(std::uint64_t offset, std::size_t n, const IOOptions& options, Slice* result,
                char* scratch, IODebugContext* dbg) const override {
    if (IOStatus status = fault_status(IoCall::read, path_); !status.ok()) return status;
    return target()->Read(offset, n, options, result, scratch, dbg);
  }
  IOStatus MultiRead(rocksdb::FSReadRequest* requests, std::size_t count, const IOOptions& options,
                     IODebugContext* dbg) override {
    if (IOStatus status = fault_status(IoCall::read, path_); !status.ok()) return status;
    return target()->MultiRead(requests, count, options, dbg);
  }

 private:
  std::string path_;
};

class SequentialFile final : public rocksdb::FSSequentialFileOwnerWrapper {
 public:
  SequentialFile(std::unique_ptr<rocksdb::FSSequentialFile> file, std::string path)
      : FSSequentialFileOwnerWrapper(std::move(file)), path_(std::move(path)) {}
  IOStatus Read(std::size_t n, const IOOptions& options, Slice* result, char* scratch,
                IODebugContext* dbg) override {
    if (IOStatus status = fault_status(IoCall::read, path_); !status.ok()) return status;
    return target()->Read(n, options, result, scratch, dbg);
  }
  IOStatus PositionedRead(std::uint64_t offset, std::size_t n, const IOOptions& options,
                          Slice* result, char* scratch, IODebugContext* dbg) override {
    if (IOStatus status = fault_status(IoCall::read, path_); !status.ok()) return status;
    return target()->PositionedRead(offset, n, options, result, scratch, dbg);
  }

 private:
  std::string path_;
};

class SimulatedDiskFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  SimulatedDiskFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "SimulatedDiskFileSystem"; }

  IOStatus NewWritableFile(const std::string& path, const FileOptions& options,
                           std::unique_ptr<rocksdb::FSWritableFile>* result,
                           IODebugContext* dbg) override {
    if (IOStatus status = fault_status(IoCall::write, path); !status.ok()) return status;
    disk().opening(path);
    IOStatus status = target()->NewWritableFile(path, options, result, dbg);
    if (!status.ok()) return status;
    // The file was created empty, or truncated.
    disk().truncated(path, 0);
    *result = std::make_unique<RecordedFile>(std::move(*result), path, 0);
    return status;
  }

  IOStatus ReopenWritableFile(const std::string& path, const FileOptions& options,
                              std::unique_ptr<rocksdb::FSWritableFile>* result,
                              IODebugContext* dbg) override {
    if (IOStatus status = fault_status(IoCall::write, path); !status.ok()) return status;
    disk().opening(path);
    std::uint64_t size = 0;
    IOStatus status = target()->GetFileSize(path, options.io_options, &size, dbg);
    if (status.IsNotFound() || status.IsPathNotFound()) size = 0;
    status = target()->ReopenWritableFile(path, options, result, dbg);
    if (status.ok()) *result = std::make_unique<RecordedFile>(std::move(*result), path, size);
    return status;
  }

  IOStatus NewRandomAccessFile(const std::string& path, const FileOptions& options,
                               std::unique_ptr<rocksdb::FSRandomAccessFile>* result,
                               IODebugContext* dbg) override {
    if (IOStatus status = fault_status(IoCall::read, path); !status.ok()) return status;
    IOStatus status = target()->NewRandomAccessFile(path, options, result, dbg);
    if (status.ok()) *result = std::make_unique<ReadFile>(std::move(*result), path);
    return status;
  }

  IOStatus NewSequentialFile(const std::string& path, const FileOptions& options,
                             std::unique_ptr<rocksdb::FSSequentialFile>* result,
                             IODebugContext* dbg) override {
    if (IOStatus status = fault_status(IoCall::read, path); !status.ok()) return status;
    IOStatus status = target()->NewSequentialFile(path, options, result, dbg);
    if (status.ok()) *result = std::make_unique<SequentialFile>(std::move(*result), path);
    return status;
  }

  IOStatus NewDirectory(const std::string& path, const IOOptions& options,
                        std::unique_ptr<rocksdb::FSDirectory>* result,
                        IODebugContext* dbg) override {
    IOStatus status = target()->NewDirectory(path, options, result, dbg);
    if (status.ok()) *result = std::make_unique<RecordedDirectory>(std::move(*result), path);
    return status;
  }

  IOStatus DeleteFile(const std::string& path, const IOOptions& options,
                      IODebugContext* dbg) override {
    if (IOStatus status = fault_status(IoCall::write, path); !status.ok()) return status;
    IOStatus status = target()->DeleteFile(path, options, dbg);
    if (status.ok()) disk().removed(path);
    return status;
  }

  IOStatus RenameFile(const std::string& from, const std::string& to, const IOOptions& options,
                      IODebugContext* dbg) override {
    if (IOStatus status = fault_status(IoCall::write, from); !status.ok()) return status;
    IOStatus status = target()->RenameFile(from, to, options, dbg);
    if (status.ok()) disk().renamed(from, to);
    return status;
  }

  IOStatus Truncate(const std::string& path, std::size_t size, const IOOptions& options,
                    IODebugContext* dbg) override {
    if (IOStatus status = fault_status(IoCall::write, path); !status.ok()) return status;
    IOStatus status = target()->Truncate(path, size, options, dbg);
    if (status.ok()) disk().truncated(path, size);
    return status;
  }
};

}  // namespace

void install_rocksdb_fault_fs() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (!sds::backend::rocks::set_base_file_system(std::make_shared<SimulatedDiskFileSystem>())) {
      throw std::runtime_error("a RocksDB database was opened before the fault file system");
    }
  });
}

}  // namespace sds::test::reliability
