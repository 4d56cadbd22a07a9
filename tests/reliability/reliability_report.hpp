// The figures a reliability suite prints: one line
// `RELIABILITY <suite>: <name>=<n> ... violations=<n>`, so that CI logs show
// how much each suite did, and that it found nothing.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

namespace sds::test {

class ReliabilityReport {
 public:
  explicit ReliabilityReport(std::string suite) : suite_(std::move(suite)) {}
  ReliabilityReport(const ReliabilityReport&) = delete;
  ReliabilityReport& operator=(const ReliabilityReport&) = delete;

  // Adds `n` to the figure `name` (kept in order of names). Thread-safe.
  void count(const std::string& name, std::uint64_t n = 1) {
    std::lock_guard lock(mutex_);
    figures_[name] += n;
  }
  std::uint64_t figure(const std::string& name) {
    std::lock_guard lock(mutex_);
    return figures_[name];
  }
  // Records a broken promise: a test failure with `what`, counted. Thread-safe.
  void violation(const std::string& what) {
    ++violations_;
    ADD_FAILURE() << suite_ << ": " << what;
  }
  std::uint64_t violations() const { return violations_; }

  // Prints the line, and fails the test when there was a violation.
  void print() {
    std::string line = "RELIABILITY " + suite_ + ":";
    {
      std::lock_guard lock(mutex_);
      for (const auto& [name, n] : figures_) line += " " + name + "=" + std::to_string(n);
    }
    line += " violations=" + std::to_string(violations_.load());
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
    EXPECT_EQ(violations_.load(), 0u);
  }

 private:
  std::string suite_;
  std::mutex mutex_;
  std::map<std::string, std::uint64_t> figures_;
  std::atomic<std::uint64_t> violations_{0};
};

}  // namespace sds::test
