#include "child_process.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>

namespace sds::workloads {
namespace {

// What the child writes: kind, then the figures or an error message.
constexpr char kFigures = 'F';
constexpr char kError = 'E';

struct WireFigures {
  double seconds;
  std::uint64_t ops;
  std::uint64_t bytes;
};

void write_all(int fd, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t written = write(fd, bytes, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;  // the parent reports a short message
    bytes += written;
    size -= static_cast<std::size_t>(written);
  }
}

std::string read_all(int fd) {
  std::string message;
  char buffer[4096];
  for (;;) {
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return message;
    message.append(buffer, static_cast<std::size_t>(got));
  }
}

[[noreturn]] void run_child(int fd, const std::function<Figures()>& measure) {
  std::string message;
  try {
    const Figures figures = measure();
    const WireFigures wire{figures.seconds, figures.ops, figures.bytes};
    message.push_back(kFigures);
    message.append(reinterpret_cast<const char*>(&wire), sizeof wire);
  } catch (const std::exception& error) {
    message = std::string(1, kError) + error.what();
  } catch (...) {
    message = std::string(1, kError) + "an exception that is not a std::exception";
  }
  write_all(fd, message.data(), message.size());
  _exit(0);
}

std::string describe(int status) {
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

Figures measure_in_child(const std::function<Figures()>& measure) {
  int fds[2];
  if (pipe(fds) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  const pid_t pid = fork();
  if (pid < 0) {
    const int error = errno;
    close(fds[0]);
    close(fds[1]);
    throw std::system_error(error, std::generic_category(), "fork");
  }
  if (pid == 0) {
    close(fds[0]);
    run_child(fds[1], measure);
  }
  close(fds[1]);
  const std::string message = read_all(fds[0]);
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (message.size() == 1 + sizeof(WireFigures) && message[0] == kFigures) {
    WireFigures wire{};
    std::memcpy(&wire, message.data() + 1, sizeof wire);
    return {wire.seconds, wire.ops, wire.bytes, std::nullopt, std::nullopt};
  }
  if (!message.empty() && message[0] == kError) {
    throw std::runtime_error("in the child process: " + message.substr(1));
  }
  throw std::runtime_error("the child process measuring a cold start " + describe(status) +
                           " without reporting");
}

}  // namespace sds::workloads
