// What one measured run of a workload reports.
#pragma once

#include <cstdint>
#include <optional>

#include "io_counters.hpp"

namespace sds::workloads {

struct Figures {
  double seconds = 0;       // the measured part only: setup is never counted
  std::uint64_t ops = 0;    // operations in the measured part (appends, loads, restores)
  std::uint64_t bytes = 0;  // payload bytes those operations wrote or read
  // Allocated size of the database's files after the run (as du); nullopt where
  // nothing is on disk (memory:).
  std::optional<std::uint64_t> bytes_on_disk;
  // What the measured part wrote to the device and how often it synced,
  // where the workload measures it (appends).
  std::optional<IoCounts> io;
};

}  // namespace sds::workloads
