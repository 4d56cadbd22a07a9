// Recorded sessions of the real SDS engine (data/README.md has the format).
#pragma once

#include <cstdint>
#include <sds/types.hpp>
#include <string>
#include <vector>

namespace sds::workloads {

struct TraceRecord {
  enum class Op : char {
    append_patch = 'P',
    save_snapshot = 'S',
    prune_patches = 'R',
    save_value = 'V',
    release_value = 'X',
  };
  Op op;
  Clock clock;
  std::string key;  // the blob hash of V and X, empty otherwise
  Bytes data;
};

struct Trace {
  std::vector<TraceRecord> records;
};

// Reads a whole trace file. Throws std::runtime_error naming the file and what
// is wrong: missing or unreadable, not a trace, a newer version, an unknown
// operation, a truncated record.
Trace read_trace(const std::string& path);

}  // namespace sds::workloads
