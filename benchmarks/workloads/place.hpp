// Place: where one workload run keeps its database.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "target.hpp"

namespace sds::workloads {

// A fresh temporary directory in the target's directory, removed with the
// object, and the URI of a database "db" in it (for memory:, a name no other
// place uses, so the database can be closed and opened again; for a server,
// a table named after the directory, left on the server).
class Place {
 public:
  explicit Place(const Target& target);
  Place(const Place&) = delete;
  Place& operator=(const Place&) = delete;
  ~Place();

  const std::string& uri() const { return uri_; }
  // The URI of the same database with `key=value` (e.g. loading under sync=off).
  std::string uri_with(std::string_view key, std::string_view value) const;
  // The sizes of every file in the directory (du --apparent-size): what was
  // written, not what was reserved, since RocksDB reserves about 2.2 MB for
  // each write-ahead log up front. nullopt for memory:.
  std::optional<std::uint64_t> bytes_on_disk() const;
  // A new place holding a copy of this one's files. The database must be
  // closed; memory: cannot be copied (std::logic_error).
  std::unique_ptr<Place> copy() const;

 private:
  std::string uri_for(const Target& target) const;

  Target target_;
  std::string directory_;
  std::string uri_;
};

}  // namespace sds::workloads
