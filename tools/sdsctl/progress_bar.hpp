// A progress bar on stderr for long work: drawn when stderr is a terminal
// (--progress=auto), always or never; never with --quiet. Its callback also
// notices Ctrl-C (interrupt.hpp), so work stops at its next step.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/maintenance/progress.hpp"

namespace sdsctl {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  // Erases the bar, so that what follows starts on a clean line.
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // A callback for the maintenance functions.
  sds::core::maintenance::Progress callback();

  // What the work got to: bytes done at the last call.
  std::uint64_t done() const { return done_; }

 private:
  void draw(std::uint64_t done, std::uint64_t total);

  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::uint64_t done_ = 0;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace sdsctl
