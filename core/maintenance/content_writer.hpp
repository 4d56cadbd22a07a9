// Writes contents into a database (the destination of copy and import): each
// store replaces the destination's store of that id; blobs and reference
// counts are written as they are, never incremented, so running the same
// transfer again after an interruption duplicates nothing and loses nothing.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/maintenance/contents.hpp"
#include "core/shared_backend.hpp"

namespace sds::core::maintenance {

class ContentWriter final : public ContentVisitor {
 public:
  // `destination` must be open for writing and used by nobody else in this
  // process while the writer runs (store figures of open Store objects are
  // not updated).
  explicit ContentWriter(SharedBackend& destination) : destination_(destination) {}

  void store(std::string_view id) override;
  void store_record(std::string_view suffix, const Record& record) override;
  void blob(std::string_view hash, std::int64_t ref_count, const Record& record) override;
  void finish() override;

 private:
  void add(std::string key, Bytes value);
  // Commits the pending writes in one transaction, then reads them back.
  void commit();
  void verify_written();

  SharedBackend& destination_;
  std::uint64_t number_ = 0;  // the destination's number of the current store
  std::string store_id_;
  std::vector<std::pair<std::string, Bytes>> pending_;
  std::size_t pending_bytes_ = 0;
};

}  // namespace sds::core::maintenance
