#include "core/staging_owner.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>

#include "core/small_file.hpp"

namespace sds::core {
namespace {

// The start time of process `pid` in clock ticks since boot (field 22 of
// /proc/PID/stat), which tells a process from a later one of the same pid;
// 0 where unknown.
std::uint64_t process_started(pid_t pid) {
  const std::string stat =
      read_small_file("/proc/" + std::to_string(pid) + "/stat").value_or(std::string());
  std::size_t at = stat.rfind(')');  // the command name may hold spaces
  if (at == std::string::npos) return 0;
  // Fields are separated by one space; the state (field 3) follows the name.
  for (int index = 2; index < 22; ++index) {
    at = stat.find(' ', at + 1);
    if (at == std::string::npos) return 0;
  }
  return std::strtoull(stat.c_str() + at + 1, nullptr, 10);
}

std::string boot_id() {
  std::string id = read_small_file("/proc/sys/kernel/random/boot_id").value_or(std::string());
  if (const std::size_t end = id.find('\n'); end != std::string::npos) id.resize(end);
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
