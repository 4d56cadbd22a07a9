#include "tests/reliability/check_in_child.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "tests/conformance/test_support.hpp"

namespace sds::test::reliability {

// The child writes one line of recovered counts, then one line per problem.
CheckResult check_invariants_in_child(const std::string& uri, const Script& script,
                                      const std::vector<LaneOutcome>& outcomes, Promise promise) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork_child([&] {
    close(fds[0]);
    std::vector<std::size_t> recovered;
    const auto problems = check_invariants(uri, script, outcomes, promise, &recovered);
    std::string out;
    for (std::size_t count : recovered) out += std::to_string(count) + " ";
    out += "\n";
    for (std::string problem : problems) {
      std::replace(problem.begin(), problem.end(), '\n', ' ');
      out += problem + "\n";
    }
    for (std::size_t written = 0; written < out.size();) {
      const ssize_t n = write(fds[1], out.data() + written, out.size() - written);
      if (n <= 0) return false;
      written += static_cast<std::size_t>(n);
    }
    return true;
  });
  close(fds[1]);
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, n);
  close(fds[0]);
  const int status = wait_for(pid);

  CheckResult result;
  std::istringstream lines(text);
  std::string line;
  if (std::getline(lines, line)) {
    std::istringstream counts(line);
    for (std::size_t count; counts >> count;) result.recovered.push_back(count);
  }
  while (std::getline(lines, line)) result.problems.push_back(line);
  if (status != 0 || result.recovered.size() != outcomes.size()) {
    result.problems.push_back("the checker failed (status " + std::to_string(status) + ")");
  }
  return result;
}

}  // namespace sds::test::reliability
