// What a workload made the process write to the device, and how often it
// made it sync: the figures of flash wear (write amplification, syncs per
// append).
#pragma once

#include <cstdint>
#include <optional>

namespace sds::workloads {

struct IoCounts {
  // Bytes this process caused to be written to the storage device
  // (/proc/self/io write_bytes; page cache writes count when they are sent).
  std::uint64_t device_write_bytes = 0;
  // fsync() and fdatasync() calls, where the program counts them
  // (set_sync_count_source); nullopt elsewhere.
  std::optional<std::uint64_t> syncs;

  IoCounts& operator+=(const IoCounts& other);
};

// The counts so far in this process; nullopt where /proc/self/io is missing.
std::optional<IoCounts> io_counts_now();
// What happened between two readings of io_counts_now().
std::optional<IoCounts> io_counts_between(const std::optional<IoCounts>& before,
                                          const std::optional<IoCounts>& after);

// A program that counts the sync calls of its process (sds_bench interposes
// fsync and fdatasync) names the function that returns the count so far.
void set_sync_count_source(std::uint64_t (*source)());

}  // namespace sds::workloads
