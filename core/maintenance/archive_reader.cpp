// read_archive(): an archive file back to contents.
#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include "core/binary.hpp"
#include "core/keys.hpp"
#include "core/maintenance/archive.hpp"
#include "core/maintenance/archive_format.hpp"
#include "core/shared_backend.hpp"
#include "sds/error.hpp"

namespace sds::core::maintenance {
namespace {

using archive::Kind;

struct FileCloser {
  void operator()(std::FILE* file) const {
    if (file != stdin) std::fclose(file);
  }
};
struct StateDeleter {
  void operator()(XXH3_state_t* state) const { XXH3_freeState(state); }
};

// Thrown inside the reader, caught once and reported with the entry's offset.
struct Damage {
  std::string why;
};

class ArchiveReader {
 public:
  ArchiveReader(const std::string& path, ContentVisitor& visitor, const Progress& progress)
      : path_(path),
        visitor_(visitor),
        progress_(progress),
        digest_(XXH3_createState()),
        entry_digest_(XXH3_createState()) {
    XXH3_64bits_reset(digest_.get());
    if (path == kStandardStream) {
      file_.reset(stdin);
      path_ = "(standard input)";
      return;
    }
    file_.reset(std::fopen(path.c_str(), "rb"));
    std::error_code error;
    if (file_) size_ = std::filesystem::file_size(path, error);
    if (!file_ || error) {
      const int number = file_ ? error.value() : errno;
      throw Error(number == ENOENT ? Errc::not_found : Errc::io_error,
                  "cannot read archive '" + path + "': " + std::strerror(number),
                  number == ENOENT ? "check the file name" : "check the file and its permissions");
    }
  }

  ContentCounts run() {
    try {
      read_all();
    } catch (const Damage& damage) {
      throw damaged(damage.why);
    } catch (const Error& error) {
      // The visitor's refusals of what an entry holds are damage at that entry too.
      if (error.code() != Errc::corruption) throw;
      throw damaged(std::string(error.message()));
    }
    visitor_.finish();
    return counts_;
  }

 private:
  Error damaged(const std::string& why) const {
    return Error(Errc::corruption,
                 "archive '" + path_ + "' is damaged at offset " + std::to_string(entry_offset_) +
                     " (entry " + std::to_string(entries_) + "): " + why,
                 "nothing was written; export the database again, or use another copy");
  }

  void read_all() {
    for (;;) {
      entry_offset_ = offset_;
      const Kind kind = next_entry();
      switch (kind) {
        case Kind::header:
          header();
          break;
        case Kind::store:
          store();
          break;
        case Kind::record:
          record();
          break;
        case Kind::blob:
          blob();
          break;
        case Kind::end:
          end();
          return;
        default:
          throw Damage{"unknown entry kind " + std::to_string(static_cast<int>(kind))};
      }
      ++entries_;
      if (progress_) progress_(offset_, size_.value_or(0));
    }
  }

  // Reads one entry into body_, checks its checksum, and adds the entry to the
  // file digest (unless it is the end entry, which holds the digest).
  Kind next_entry() {
    Bytes head(archive::kEntryHeaderBytes);
    if (!read(head)) throw Damage{"the file ends before its end entry (truncated?)"};
    const auto kind = static_cast<Kind>(head[0]);
    if (entries_ == 0 && kind != Kind::header) throw Damage{"not an sdsctl archive"};
    const std::uint64_t length = PayloadReader(ByteView(head).subspan(1), "entry", "").u64();
    if (length > archive::kMaxBodyBytes || (size_ && length > *size_ - offset_)) {
      throw Damage{"entry length " + std::to_string(length) +
                   " runs past the end of the file (truncated?) or over the limit"};
    }
    body_.resize(length);
    Bytes tail(archive::kChecksumBytes);
    if (!read(body_) || !read(tail)) throw Damage{"the file ends inside an entry (truncated?)"};
    XXH3_state_t* state = entry_digest_.get();
    XXH3_64bits_reset(state);
    XXH3_64bits_update(state, head.data(), head.size());
    XXH3_64bits_update(state, body_.data(), body_.size());
    const std::uint64_t checksum = XXH3_64bits_digest(state);
    if (checksum != PayloadReader(tail, "entry", "").u64()) throw Damage{"checksum mismatch"};
    if (kind != Kind::end) {
      for (const Bytes* part : {&head, &body_, &tail}) {
        XXH3_64bits_update(digest_.get(), part->data(), part->size());
      }
    }
    return kind;
  }

  bool read(Bytes& out) {
    if (std::fread(out.data(), 1, out.size(), file_.get()) != out.size()) {
      if (std::ferror(file_.get())) {
        throw Error(Errc::io_error, "cannot read archive '" + path_ + "': " + std::strerror(errno),
                    "check the file and the disk");
      }
      return false;
    }
    offset_ += out.size();
    return true;
  }

  void header() {
    if (entries_ != 0) throw Damage{"a second header entry"};
    PayloadReader reader(body_, "header entry", "");
    if (as_chars(reader.bytes(archive::kMagic.size())) != archive::kMagic) {
      throw Damage{"not an sdsctl archive"};
    }
    const std::uint32_t version = reader.u32();
    const std::uint32_t format = reader.u32();
    if (version > kArchiveVersion || format > kFormatVersion) {
      throw Error(Errc::version,
                  "archive '" + path_ + "' is of archive version " + std::to_string(version) +
                      ", database format " + std::to_string(format) + "; this sdsctl reads up to " +
                      std::to_string(kArchiveVersion) + " and " + std::to_string(kFormatVersion),
                  "upgrade sds-persistence");
    }
  }

  void store() {
    if (body_.empty() || body_.size() > kMaxStoreIdBytes) throw Damage{"bad store id length"};
    in_store_ = true;
    ++counts_.stores;
    visitor_.store(as_chars(body_));
  }

  void record() {
    if (!in_store_) throw Damage{"a store record outside any store"};
    PayloadReader reader(body_, "record entry", "");
    const std::uint32_t length = reader.u32();
    const std::string_view suffix = as_chars(reader.bytes(length));
    // Store 0 stands for the store's number in the target, unknown here.
    const Record record =
        read_record(ByteView(body_).subspan(4 + length), keys::store_record(0, suffix));
    ++counts_.records;
    counts_.bytes += kRecordHeaderSize + record.payload.size();
    visitor_.store_record(suffix, record);
  }

  void blob() {
    in_store_ = false;
    PayloadReader reader(body_, "blob entry", "");
    const std::uint32_t length = reader.u32();
    const std::string_view hash = as_chars(reader.bytes(length));
    if (hash.empty() || hash.size() > kMaxHashBytes) throw Damage{"bad blob hash length"};
    const auto ref_count = static_cast<std::int64_t>(reader.u64());
    const Record record = read_record(ByteView(body_).subspan(4 + length + 8), keys::blob(hash));
    ++counts_.blobs;
    counts_.bytes += kRecordHeaderSize + record.payload.size();
    visitor_.blob(hash, ref_count, record);
  }

  // codec u8 | raw size u64 | payload, checked to decode as the record that
  // will be stored under `key`.
  static Record read_record(ByteView rest, const std::string& key) {
    PayloadReader reader(rest, "record in archive", "");
    Record record;
    record.codec = static_cast<Codec>(reader.bytes(1)[0]);
    record.raw_size = reader.u64();
    record.payload = rest.subspan(1 + 8);
    if (record.codec != Codec::raw && record.codec != Codec::zstd) throw Damage{"unknown codec"};
    try {
      decode_record(record, key, "in archive");
    } catch (const Error&) {
      throw Damage{"a record that does not decode"};
    }
    return record;
  }

  void end() {
    PayloadReader reader(body_, "end entry", "");
    const std::uint64_t entries = reader.u64();
    const ContentCounts declared{reader.u64(), reader.u64(), reader.u64(), 0};
    const std::uint64_t digest = reader.u64();
    reader.expect_end();
    if (entries != entries_ || declared.stores != counts_.stores ||
        declared.records != counts_.records || declared.blobs != counts_.blobs) {
      throw Damage{"the end entry counts differ from the entries read (entries missing?)"};
    }
    if (digest != XXH3_64bits_digest(digest_.get())) throw Damage{"file digest mismatch"};
    entry_offset_ = offset_;
    Bytes extra(1);
    if (read(extra)) throw Damage{"bytes after the end entry"};
  }

  std::string path_;
  ContentVisitor& visitor_;
  const Progress& progress_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::unique_ptr<XXH3_state_t, StateDeleter> digest_;  // of every entry before the end
  std::unique_ptr<XXH3_state_t, StateDeleter> entry_digest_;
  std::optional<std::uint64_t> size_;  // unknown for standard input
  std::uint64_t offset_ = 0;
  std::uint64_t entry_offset_ = 0;
  std::uint64_t entries_ = 0;
  bool in_store_ = false;
  Bytes body_;  // reused: bodies are up to 512 MiB
  ContentCounts counts_;
};

}  // namespace

ContentCounts read_archive(const std::string& path, ContentVisitor& visitor,
                           const Progress& progress) {
  return ArchiveReader(path, visitor, progress).run();
}

bool looks_like_archive(const std::string& path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return false;
  char head[archive::kEntryHeaderBytes + archive::kMagic.size()];
  return std::fread(head, 1, sizeof head, file.get()) == sizeof head &&
         head[0] == static_cast<char>(Kind::header) &&
         std::string_view(head + archive::kEntryHeaderBytes, archive::kMagic.size()) ==
             archive::kMagic;
}

}  // namespace sds::core::maintenance
