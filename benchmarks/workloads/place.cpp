#include "place.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace sds::workloads {
namespace fs = std::filesystem;
namespace {

std::string temporary_root(const Target& target) {
  // A server's target names no directory: its place is only a table name.
  if (!target.directory.empty() && !target.server()) return target.directory;
  const char* tmpdir = std::getenv("TMPDIR");
  return tmpdir && *tmpdir ? tmpdir : "/tmp";
}

std::string make_temporary_directory(const std::string& root) {
  std::string pattern = root + "/sds-bench-XXXXXX";
  if (!mkdtemp(pattern.data())) {
    throw std::system_error(errno, std::generic_category(),
                            "cannot make a temporary directory in '" + root + "'");
  }
  return pattern;
}

// URI paths are percent-decoded once: a literal '%' or '?' must be escaped.
std::string escape_path(std::string_view path) {
  std::string escaped;
  for (const char c : path) {
    if (c == '%') {
      escaped += "%25";
    } else if (c == '?') {
      escaped += "%3F";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

}  // namespace

Place::Place(const Target& target)
    : target_(target), directory_(make_temporary_directory(temporary_root(target))) {
  uri_ = uri_for(target_);
}

Place::~Place() {
  std::error_code ignored;
  fs::remove_all(directory_, ignored);
}

std::string Place::uri_for(const Target& target) const {
  if (target.server()) {
    // A table per place, named after its directory (sds-bench-XXXXXX).
    std::string table = "bench_" + fs::path(directory_).filename().string().substr(10);
    return target.scheme + ":" + target.directory + "?" + target.params +
           (target.params.empty() ? "" : "&") + "table=" + table;
  }
  const std::string path = target.persistent() ? escape_path(directory_) + "/db"
                                               : fs::path(directory_).filename().string();
  return target.scheme + ":" + path + (target.params.empty() ? "" : "?" + target.params);
}

std::string Place::uri_with(std::string_view key, std::string_view value) const {
  return uri_for(target_.with_param(key, value));
}

std::optional<std::uint64_t> Place::bytes_on_disk() const {
  if (!target_.persistent() || target_.server()) return std::nullopt;
  // A file may vanish between listing and sizing it (RocksDB deletes obsolete
  // files in the background): it then counts as gone.
  std::uint64_t bytes = 0;
  std::error_code error;
  for (fs::recursive_directory_iterator it(directory_, error), end; !error && it != end;
       it.increment(error)) {
    std::error_code vanished;
    if (it->is_regular_file(vanished)) {
      const std::uintmax_t size = it->file_size(vanished);
      if (!vanished) bytes += size;
    }
  }
  if (error) {
    throw std::system_error(error, "cannot measure the files in '" + directory_ + "'");
  }
  return bytes;
}

std::unique_ptr<Place> Place::copy() const {
  if (!target_.persistent()) throw std::logic_error("a memory: database cannot be copied");
  if (target_.server()) throw std::logic_error("a database on a server is not copied as files");
  auto place = std::make_unique<Place>(target_);
  fs::copy(directory_, place->directory_, fs::copy_options::recursive);
  return place;
}

}  // namespace sds::workloads
