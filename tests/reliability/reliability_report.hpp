// The one line a reliability suite prints, so that CI logs show how much each
// suite did, and that it found nothing:
//
//   RELIABILITY <suite>: <name>=<n> ... violations=<n>
//
// Two ways to fill it: a ReliabilityReport object per test (a suite that
// prints one line per backend), or, for a binary that runs as one CTest test,
// tried() and report_reliability(), whose line covers the whole run and counts
// every failed assertion as a violation.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

namespace sds::test {

// Prints the line, figures in order of names.
inline void print_reliability_line(const std::string& suite,
                                   const std::map<std::string, std::uint64_t>& figures,
                                   std::uint64_t violations) {
  std::string line = "RELIABILITY " + suite + ":";
  for (const auto& [name, n] : figures) line += " " + name + "=" + std::to_string(n);
  line += " violations=" + std::to_string(violations);
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

class ReliabilityReport {
 public:
  explicit ReliabilityReport(std::string suite) : suite_(std::move(suite)) {}
  ReliabilityReport(const ReliabilityReport&) = delete;
  ReliabilityReport& operator=(const ReliabilityReport&) = delete;

  // Adds `n` to the figure `name`. Thread-safe.
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
    {
      std::lock_guard lock(mutex_);
      print_reliability_line(suite_, figures_, violations_.load());
    }
    EXPECT_EQ(violations_.load(), 0u);
  }

 private:
  std::string suite_;
  std::mutex mutex_;
  std::map<std::string, std::uint64_t> figures_;
  std::atomic<std::uint64_t> violations_{0};
};

// Adds `count` to the figure `name` of this run's line.
void tried(const std::string& name, std::uint64_t count = 1);

// Makes the binary print the line for `suite` when its tests end. Call once,
// before RUN_ALL_TESTS (from a static initializer).
bool report_reliability(const std::string& suite);

}  // namespace sds::test
