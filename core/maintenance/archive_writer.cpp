// export_archive(): contents to an archive file.
#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <utility>

#include "core/binary.hpp"
#include "core/maintenance/archive.hpp"
#include "core/maintenance/archive_format.hpp"
#include "sds/error.hpp"

namespace sds::core::maintenance {
namespace {

using archive::Kind;

// Where the archive goes, and how it gets its name once complete.
class Output {
 public:
  explicit Output(std::string path) : path_(std::move(path)) {
    if (path_ == kStandardStream) {
      file_ = stdout;
      name_ = "(standard output)";
      return;
    }
    name_ = "'" + path_ + "'";
    // Unnamed until linked in: nothing is left by a crash or a kill.
    const std::filesystem::path directory = std::filesystem::absolute(path_).parent_path();
    const int fd = ::open(directory.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
    if (fd >= 0) {
      file_ = ::fdopen(fd, "wb");
      if (!file_) ::close(fd);
      unnamed_ = file_ != nullptr;
    }
    if (!file_) {  // a file system without O_TMPFILE
      partial_ = path_ + ".partial";
      file_ = std::fopen(partial_.c_str(), "wb");
    }
    if (!file_) fail("cannot create");
  }

  ~Output() {
    if (!file_ || file_ == stdout) return;
    std::fclose(file_);  // not finished: an unnamed file vanishes
    if (!partial_.empty()) std::remove(partial_.c_str());
  }

  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  void write(ByteView bytes) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) fail("cannot write");
  }

  // Makes the complete archive durable and gives it its name.
  void finish() {
    if (std::fflush(file_) != 0) fail("cannot write");
    if (file_ == stdout) return;
    if (::fsync(::fileno(file_)) != 0) fail("cannot write");
    if (unnamed_) {
      link_unnamed();
    } else {
      std::error_code error;
      std::filesystem::rename(partial_, path_, error);
      if (error) {
        throw Error(Errc::io_error,
                    "cannot rename '" + partial_ + "' to '" + path_ + "': " + error.message(),
                    "check the directory's permissions");
      }
      partial_.clear();
    }
    std::fclose(std::exchange(file_, nullptr));
    sync_directory();
  }

 private:
  // Gives the unnamed file its name: linked under a temporary name (a link
  // cannot replace a file) and renamed over the path in one step.
  void link_unnamed() {
    const std::string self = "/proc/self/fd/" + std::to_string(::fileno(file_));
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, path_.c_str(), AT_SYMLINK_FOLLOW) == 0) return;
    if (errno != EEXIST) fail("cannot link");
    const std::string temporary = path_ + ".new-" + std::to_string(::getpid());
    std::remove(temporary.c_str());
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, temporary.c_str(), AT_SYMLINK_FOLLOW) != 0) {
      fail("cannot link");
    }
    if (std::rename(temporary.c_str(), path_.c_str()) != 0) {
      const int number = errno;
      std::remove(temporary.c_str());
      errno = number;
      fail("cannot rename over");
    }
  }

  // The new name survives a power loss only once its directory is synced.
  void sync_directory() const {
    const std::filesystem::path directory = std::filesystem::absolute(path_).parent_path();
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
  }

  [[noreturn]] void fail(const char* what) const {
    const int number = errno;
    throw Error(number == ENOSPC ? Errc::full : Errc::io_error,
                std::string(what) + " archive " + name_ + ": " + std::strerror(number),
                number == ENOSPC ? "free some disk space" : "check the directory and the disk");
  }

  std::string path_;
  std::string name_;     // for messages
  std::string partial_;  // the fallback's temporary name
  std::FILE* file_ = nullptr;
  bool unnamed_ = false;
};

class ArchiveWriter final : public ContentVisitor {
 public:
  ArchiveWriter(const std::string& path, std::uint32_t format_version)
      : output_(path), digest_(XXH3_createState()), entry_digest_(XXH3_createState()) {
    XXH3_64bits_reset(digest_.get());
    Bytes body(archive::kMagic.begin(), archive::kMagic.end());
    append_u32_le(body, kArchiveVersion);
    append_u32_le(body, format_version);
    entry(Kind::header, body);
  }

  void store(std::string_view id) override {
    ++stores_;
    entry(Kind::store, as_bytes(id));
  }

  void store_record(std::string_view suffix, const Record& record) override {
    ++records_;
    body_.clear();
    append_u32_le(body_, static_cast<std::uint32_t>(suffix.size()));
    body_.insert(body_.end(), suffix.begin(), suffix.end());
    append_record(record);
    entry(Kind::record, body_);
  }

  void blob(std::string_view hash, std::int64_t ref_count, const Record& record) override {
    ++blobs_;
    body_.clear();
    append_u32_le(body_, static_cast<std::uint32_t>(hash.size()));
    body_.insert(body_.end(), hash.begin(), hash.end());
    append_u64_le(body_, static_cast<std::uint64_t>(ref_count));
    append_record(record);
    entry(Kind::blob, body_);
  }

  void finish() override {
    Bytes body;
    append_u64_le(body, entries_);
    append_u64_le(body, stores_);
    append_u64_le(body, records_);
    append_u64_le(body, blobs_);
    append_u64_le(body, XXH3_64bits_digest(digest_.get()));
    entry(Kind::end, body);
    output_.finish();
  }

 private:
  void append_record(const Record& record) {
    body_.push_back(static_cast<std::uint8_t>(record.codec));
    append_u64_le(body_, record.raw_size);
    body_.insert(body_.end(), record.payload.begin(), record.payload.end());
  }

  void entry(Kind kind, ByteView body) {
    Bytes head{static_cast<std::uint8_t>(kind)};
    append_u64_le(head, body.size());
    XXH3_64bits_reset(entry_digest_.get());
    XXH3_64bits_update(entry_digest_.get(), head.data(), head.size());
    XXH3_64bits_update(entry_digest_.get(), body.data(), body.size());
    Bytes tail;
    append_u64_le(tail, XXH3_64bits_digest(entry_digest_.get()));
    for (ByteView part : {ByteView(head), body, ByteView(tail)}) {
      output_.write(part);
      XXH3_64bits_update(digest_.get(), part.data(), part.size());
    }
    ++entries_;
  }

  struct StateDeleter {
    void operator()(XXH3_state_t* state) const { XXH3_freeState(state); }
  };

  Output output_;
  std::unique_ptr<XXH3_state_t, StateDeleter> digest_;  // of every byte written
  std::unique_ptr<XXH3_state_t, StateDeleter> entry_digest_;
  Bytes body_;  // reused: bodies are up to 512 MiB
  std::uint64_t entries_ = 0, stores_ = 0, records_ = 0, blobs_ = 0;
};

}  // namespace

ContentCounts export_archive(const std::string& path, std::uint32_t format_version,
                             const std::function<ContentCounts(ContentVisitor&)>& read) {
  ArchiveWriter writer(path, format_version);
  return read(writer);
}

}  // namespace sds::core::maintenance
