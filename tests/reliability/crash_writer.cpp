#include "tests/reliability/crash_writer.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "tests/conformance/test_support.hpp"

namespace sds::test::reliability {
namespace {

// One report: operation `index` of `lane` returned. Written in one write()
// of less than PIPE_BUF bytes, so reports of several threads never mix.
struct Report {
  std::uint32_t lane;
  std::uint32_t index;
};
// The lane of the report a writer sends just before it kills itself at a
// kill point; its index is the point.
constexpr std::uint32_t kKillPointReport = 0xFFFFFFFF;

bool send(int fd, Report report) {
  return write(fd, &report, sizeof report) == static_cast<ssize_t>(sizeof report);
}

// The writer's kill point, set in the child before it opens anything.
int report_fd = -1;
core::KillPoint chosen_point = core::KillPoint::patch_put;
std::atomic<std::size_t> hits_left{0};

void kill_at_chosen_point(core::KillPoint point) {
  if (point != chosen_point || hits_left.fetch_sub(1) != 1) return;
  send(report_fd, {kKillPointReport, static_cast<std::uint32_t>(point)});
  raise(SIGKILL);
}

// The child's work: every lane in a thread of its own, each reporting the
// operations that returned. True when every lane ran to its end.
bool run_lanes(const Script& script, const WriterPlan& plan, int fd) {
  auto database = open_database(plan.uri);
  std::atomic<bool> fine{true};
  std::vector<std::thread> lanes;
  for (std::size_t lane = 0; lane < script.shape().lanes; ++lane) {
    lanes.emplace_back([&, lane] {
      try {
        auto store = database->store(lane_store_id(lane));
        const std::vector<Op>& ops = script.lane(lane);
        for (std::size_t i = plan.resume.at(lane); i < ops.size(); ++i) {
          apply(*store, script, lane, ops[i]);
          if (!send(fd, {static_cast<std::uint32_t>(lane), static_cast<std::uint32_t>(i)})) {
            throw std::runtime_error("cannot report to the parent");
          }
        }
      } catch (const std::exception& error) {
        std::fprintf(stderr, "writer, lane %zu: %s\n", lane, error.what());
        fine = false;
      }
    });
  }
  for (std::thread& lane : lanes) lane.join();
  return fine;
}

}  // namespace

CrashWriter::CrashWriter(const Script& script, const WriterPlan& plan)
    : acknowledged_(plan.resume) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork_child([&] {
    close(fds[0]);
    if (plan.kill_point) {
      report_fd = fds[1];
      chosen_point = *plan.kill_point;
      hits_left = plan.kill_on_hit;
      core::kill_point_handler.store(&kill_at_chosen_point);
    }
    return run_lanes(script, plan, fds[1]);
  });
  close(fds[1]);
  fd_ = fds[0];
}

CrashWriter::~CrashWriter() {
  if (pid_ > 0) kill_and_reap();
  if (fd_ >= 0) close(fd_);
}

bool CrashWriter::read_some(int timeout_ms) {
  pollfd poll_fd{fd_, POLLIN, 0};
  if (poll(&poll_fd, 1, timeout_ms) == 0) return true;
  char buffer[4096];
  const ssize_t got = read(fd_, buffer, sizeof buffer);
  if (got <= 0) return false;
  partial_.insert(partial_.end(), buffer, buffer + got);
  std::size_t used = 0;
  for (; used + sizeof(Report) <= partial_.size(); used += sizeof(Report)) {
    Report report;
    std::memcpy(&report, partial_.data() + used, sizeof report);
    if (report.lane == kKillPointReport) {
      killed_at_ = static_cast<core::KillPoint>(report.index);
    } else {
      acknowledged_.at(report.lane) = report.index + 1;
      ++reported_;
    }
  }
  partial_.erase(partial_.begin(), partial_.begin() + static_cast<std::ptrdiff_t>(used));
  return true;
}

namespace {
int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}
}  // namespace

bool CrashWriter::wait_for_reports(std::size_t count, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (reported_ < count) {
    const int left = remaining_ms(deadline);
    if (left == 0) return false;
    if (!read_some(left)) return true;  // the writer ended
  }
  return true;
}

void CrashWriter::kill_and_reap() {
  kill(pid_, SIGKILL);  // harmless when it ended already: it is ours until reaped
  while (read_some(-1)) {
  }
  status_ = wait_for(pid_);
  pid_ = -1;
}

bool CrashWriter::reap_within(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool in_time = true;
  while (read_some(remaining_ms(deadline))) {
    if (remaining_ms(deadline) == 0) {
      in_time = false;
      break;
    }
  }
  kill_and_reap();
  return in_time;
}

}  // namespace sds::test::reliability
