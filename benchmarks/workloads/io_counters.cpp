#include "io_counters.hpp"

#include <fstream>
#include <string>

namespace sds::workloads {
namespace {

std::uint64_t (*sync_count_source)() = nullptr;

}  // namespace

IoCounts& IoCounts::operator+=(const IoCounts& other) {
  device_write_bytes += other.device_write_bytes;
  if (syncs && other.syncs) {
    *syncs += *other.syncs;
  } else {
    syncs = std::nullopt;
  }
  return *this;
}

void set_sync_count_source(std::uint64_t (*source)()) { sync_count_source = source; }

std::optional<IoCounts> io_counts_now() {
  IoCounts counts;
  if (sync_count_source) counts.syncs = sync_count_source();
  std::ifstream io("/proc/self/io");
  std::string name;
  std::uint64_t value = 0;
  while (io >> name >> value) {
    if (name == "write_bytes:") {
      counts.device_write_bytes = value;
      return counts;
    }
  }
  return std::nullopt;
}

std::optional<IoCounts> io_counts_between(const std::optional<IoCounts>& before,
                                          const std::optional<IoCounts>& after) {
  if (!before || !after) return std::nullopt;
  IoCounts out;
  out.device_write_bytes = after->device_write_bytes - before->device_write_bytes;
  if (before->syncs && after->syncs) out.syncs = *after->syncs - *before->syncs;
  return out;
}

}  // namespace sds::workloads
