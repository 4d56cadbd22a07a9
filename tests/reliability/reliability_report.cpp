#include "tests/reliability/reliability_report.hpp"

#include <gtest/gtest.h>

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
    std::lock_guard lock(mutex);
    print_reliability_line(suite_, figures(), violations_);
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
