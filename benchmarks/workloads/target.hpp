// Target: the kind of database a workload makes, and where it makes them.
#pragma once

#include <string>
#include <string_view>

namespace sds::workloads {

// Parsed from a URI template "scheme:DIR?params" whose path is the directory
// the workload makes its databases in (empty: $TMPDIR, else /tmp), e.g.
// "sqlite:?sync=full", "lmdb:/mnt/ssd?sync=normal", "memory:"; or of a
// server, "postgres://user:pw@host:port/db?params", whose databases are fresh
// tables (table=bench_...) in that database. The scheme is
// an sds scheme, or one registered with register_subject_scheme().
struct Target {
  std::string scheme;
  std::string directory;
  std::string params;  // "key=value&...", without the '?'

  // Throws std::invalid_argument when there is no "scheme:".
  static Target parse(std::string_view uri_template);

  // Whether its databases outlive the process (every scheme but memory).
  bool persistent() const { return scheme != "memory"; }
  // A database server ("postgres://user:pw@host:port/db?params"): the
  // databases are tables in it, not files in a directory.
  bool server() const { return directory.starts_with("//"); }
  // The same target with `key` set to `value` (replaced or added).
  Target with_param(std::string_view key, std::string_view value) const;
};

}  // namespace sds::workloads
