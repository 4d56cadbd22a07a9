#include "core/staging_owner.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>

namespace sds::core {
namespace {

// The start time of process `pid` in clock ticks since boot (field 22 of
// /proc/PID/stat), which tells a process from a later one of the same pid;
// 0 where unknown.
std::uint64_t process_started(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  const std::string stat{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const std::size_t name_end = stat.rfind(')');  // the command name may hold spaces
  if (name_end == std::string::npos || name_end + 2 > stat.size()) return 0;
  std::istringstream fields(stat.substr(name_end + 2));
  std::string field;
  for (int index = 3; fields >> field; ++index) {
    if (index == 22) return std::strtoull(field.c_str(), nullptr, 10);
  }
  return 0;
}

std::string boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return {};
  return name;
}

}  // namespace

StagingHeader this_process() {
  StagingHeader header;
  header.pid = static_cast<std::uint64_t>(::getpid());
  header.pid_started = process_started(::getpid());
  std::random_device random;
  header.token = (std::uint64_t{random()} << 32) ^ random();
  header.started =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  header.host = host_name();
  header.boot_id = boot_id();
  return header;
}

bool is_running(const StagingHeader& header) {
  if (header.host != host_name()) return true;
  if (header.boot_id != boot_id()) return false;
  const auto pid = static_cast<pid_t>(header.pid);
  if (pid == ::getpid()) return false;  // an earlier staging of this very process
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  return header.pid_started == 0 || process_started(pid) == header.pid_started;
}

}  // namespace sds::core
