// The forked writer of the crash suite: it runs a Script's lanes in threads
// of one process (so that their writes form group commits) and reports each
// operation that returned over a pipe; the parent kills it whenever it likes,
// or the writer kills itself at a named point inside the core
// (core/kill_points.hpp).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/kill_points.hpp"
#include "tests/reliability/workload.hpp"

namespace sds::test::reliability {

struct WriterPlan {
  std::string uri;
  // Per lane, the index of the first operation to run (what the database
  // holds already); each lane runs to the end of its script.
  std::vector<std::size_t> resume;
  // When set, the writer raises SIGKILL on this hit of this point.
  std::optional<core::KillPoint> kill_point;
  std::size_t kill_on_hit = 1;
};

// A running writer, seen from the parent.
class CrashWriter {
 public:
  CrashWriter(const Script& script, const WriterPlan& plan);
  ~CrashWriter();
  CrashWriter(const CrashWriter&) = delete;
  CrashWriter& operator=(const CrashWriter&) = delete;

  // Reads reports until `reported()` reaches `count`, the writer ends, or
  // `timeout_ms` passed; false on the timeout.
  bool wait_for_reports(std::size_t count, int timeout_ms);
  // SIGKILLs the writer (unless `already_ended`), reads the rest of its
  // reports, and reaps it.
  void kill_and_reap();
  // Reads the reports until the writer ends (it kills itself or finishes)
  // or `timeout_ms` passed, then kills and reaps it. False on the timeout.
  bool reap_within(int timeout_ms);

  // What the writer reported: per lane, the operations that returned,
  // counted from the start of the script (resume points included).
  const std::vector<std::size_t>& acknowledged() const { return acknowledged_; }
  // Operations reported in this run.
  std::size_t reported() const { return reported_; }
  // The point the writer killed itself at, if it did.
  std::optional<core::KillPoint> killed_at() const { return killed_at_; }
  // How the writer ended: its exit code, or 128 + the signal (wait_for()).
  int status() const { return status_; }

 private:
  // Reads what is there, waiting at most `timeout_ms`; false at the end of
  // the pipe (the writer ended).
  bool read_some(int timeout_ms);

  pid_t pid_ = -1;
  int fd_ = -1;
  int status_ = -1;
  std::vector<std::size_t> acknowledged_;
  std::size_t reported_ = 0;
  std::optional<core::KillPoint> killed_at_;
  std::vector<char> partial_;  // a report split between reads
};

}  // namespace sds::test::reliability
