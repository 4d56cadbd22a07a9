#include "tests/reliability/reliability_report.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <mutex>

namespace sds::test {
namespace {

std::mutex mutex;
std::map<std::string, std::uint64_t>& figures() {
  static std::map<std::string, std::uint64_t> all;
  return all;
}

class Report : public ::testing::EmptyTestEventListener {
 public:
  explicit Report(std::string suite) : suite_(std::move(suite)) {}

  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (result.failed()) ++violations_;
  }

  void OnTestProgramEnd(const ::testing::UnitTest&) override {
    std::string line = "RELIABILITY " + suite_ + ":";
    std::lock_guard lock(mutex);
    for (const auto& [name, count] : figures()) line += " " + name + "=" + std::to_string(count);
    line += " violations=" + std::to_string(violations_);
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }

 private:
  std::string suite_;
  std::uint64_t violations_ = 0;
};

}  // namespace

void tried(const std::string& name, std::uint64_t count) {
  std::lock_guard lock(mutex);
  figures()[name] += count;
}

bool report_reliability(const std::string& suite) {
  ::testing::UnitTest::GetInstance()->listeners().Append(new Report(suite));
  return true;
}

}  // namespace sds::test
