// The sdsctl archive (docs/ARCHIVE.md): a database's contents in one portable
// file, written and read as a stream, every entry with its own checksum.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/maintenance/contents.hpp"
#include "core/shared_backend.hpp"

namespace sds::core::maintenance {

// Bump for any change an older sdsctl could misread; it then refuses the file.
inline constexpr std::uint32_t kArchiveVersion = 1;

// The name that stands for standard input or output instead of a file.
inline constexpr const char* kStandardStream = "-";

// Writes the contents that `read` hands to its visitor (read_contents() of a
// key-value database, read_database_contents() of a Store-level one, records
// of format `format_version`) to the file `path` ("-": standard output), in
// memory bounded by one batch and the largest record. A file
// appears under its name only once complete and synced: it is written
// unnamed (O_TMPFILE) and linked in at the end, or, where the file system
// cannot, as `path`.partial and renamed; a failure or interruption leaves
// nothing. Throws what `read` throws, and Errc::io_error or Errc::full when
// the file cannot be written.
ContentCounts export_archive(const std::string& path, std::uint32_t format_version,
                             const std::function<ContentCounts(ContentVisitor&)>& read);

// Reads the archive at `path` ("-": standard input), checking every entry,
// and hands its contents to `visitor` as it goes; visitor.finish() runs only
// after the end entry and the file's digest verified. Throws Errc::corruption
// naming the byte offset of the first damage (a truncated file included,
// and contents the visitor refuses), Errc::version for an archive or a format
// newer than this build reads, not_found or io_error for the file.
ContentCounts read_archive(const std::string& path, ContentVisitor& visitor,
                           const Progress& progress);

// Whether the file at `path` starts like an archive (its header entry), for
// the advice of an error: an archive given where a database was expected.
bool looks_like_archive(const std::string& path);

}  // namespace sds::core::maintenance
