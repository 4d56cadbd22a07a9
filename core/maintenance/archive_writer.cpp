// export_archive(): contents to an archive file.
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/binary.hpp"
#include "core/maintenance/archive.hpp"
#include "core/maintenance/archive_format.hpp"
#include "sds/error.hpp"

namespace sds::core::maintenance {
namespace {

using archive::Kind;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

class ArchiveWriter final : public ContentVisitor {
 public:
  ArchiveWriter(std::string path, std::uint32_t format_version)
      : path_(std::move(path)),
        partial_(path_ + ".partial"),
        digest_(XXH3_createState()),
        entry_digest_(XXH3_createState()) {
    XXH3_64bits_reset(digest_.get());
    file_.reset(std::fopen(partial_.c_str(), "wb"));
    if (!file_) fail("cannot create");
    Bytes body(archive::kMagic.begin(), archive::kMagic.end());
    append_u32_le(body, kArchiveVersion);
    append_u32_le(body, format_version);
    entry(Kind::header, body);
  }

  ~ArchiveWriter() override {
    if (file_) {  // not finished: leave no partial file behind
      file_.reset();
      std::remove(partial_.c_str());
    }
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
    if (std::fflush(file_.get()) != 0 || ::fsync(fileno(file_.get())) != 0) fail("cannot write");
    if (std::fclose(file_.release()) != 0) fail("cannot write");
    std::error_code error;
    std::filesystem::rename(partial_, path_, error);
    if (error) {
      std::remove(partial_.c_str());
      throw Error(Errc::io_error,
                  "cannot rename '" + partial_ + "' to '" + path_ + "': " + error.message(),
                  "check the directory's permissions");
    }
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
      write(part);
      XXH3_64bits_update(digest_.get(), part.data(), part.size());
    }
    ++entries_;
  }

  void write(ByteView bytes) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_.get()) != bytes.size())
      fail("cannot write");
  }

  [[noreturn]] void fail(const char* what) {
    throw Error(errno == ENOSPC ? Errc::full : Errc::io_error,
                std::string(what) + " '" + partial_ + "': " + std::strerror(errno),
                errno == ENOSPC ? "free some disk space" : "check the directory and the disk");
  }

  struct StateDeleter {
    void operator()(XXH3_state_t* state) const { XXH3_freeState(state); }
  };

  std::string path_;
  std::string partial_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::unique_ptr<XXH3_state_t, StateDeleter> digest_;  // of every byte written
  std::unique_ptr<XXH3_state_t, StateDeleter> entry_digest_;
  Bytes body_;  // reused: bodies are up to 512 MiB
  std::uint64_t entries_ = 0, stores_ = 0, records_ = 0, blobs_ = 0;
};

}  // namespace

ContentCounts export_archive(SharedBackend& source, const std::string& path,
                             const Selection& selection, const Progress& progress) {
  ArchiveWriter writer(path, source.format_version());
  return read_contents(source, selection, writer, progress);
}

}  // namespace sds::core::maintenance
