// A progress bar on stderr for long work, drawn only when stderr is a
// terminal: piped or redirected output never sees control characters.
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

  // A callback for the maintenance functions; empty when stderr is no terminal.
  sds::core::maintenance::Progress callback();

 private:
  void draw(std::uint64_t done, std::uint64_t total);

  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace sdsctl
