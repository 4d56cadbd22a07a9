// The sdsctl archive (docs/ARCHIVE.md): a database's contents in one portable
// file, written and read as a stream, every entry with its own checksum.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/maintenance/contents.hpp"
#include "core/shared_backend.hpp"

namespace sds::core::maintenance {

// Bump for any change an older sdsctl could misread; it then refuses the file.
inline constexpr std::uint32_t kArchiveVersion = 1;

// Writes the selected contents of `source` to the file `path`, in memory
// bounded by one batch and the largest record. The file appears under its name
// only once complete and synced (it is written as `path`.partial first).
// Throws like read_contents(), and Errc::io_error when the file cannot be written.
ContentCounts export_archive(SharedBackend& source, const std::string& path,
                             const Selection& selection, const Progress& progress);

// Reads the archive at `path`, checking every entry, and hands its contents to
// `visitor` as it goes. Throws Errc::corruption naming the byte offset of the
// first damage (a truncated file included), Errc::version for an archive or a
// format newer than this build reads, not_found or io_error for the file.
ContentCounts read_archive(const std::string& path, ContentVisitor& visitor,
                           const Progress& progress);

// Checks the whole archive, then opens the destination and writes the archive
// into it as copy does (stores replaced, reference counts as they are): a
// damaged archive writes nothing and creates no database. Reads the file
// twice; progress covers both passes.
ContentCounts import_archive(
    const std::string& path,
    const std::function<std::shared_ptr<SharedBackend>()>& open_destination,
    const Progress& progress);

}  // namespace sds::core::maintenance
