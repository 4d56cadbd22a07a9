#include "tools/sdsctl/progress_bar.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/interrupt.hpp"
#include "tools/sdsctl/output.hpp"

namespace sdsctl {
namespace {

constexpr int kWidth = 30;
// Redrawing more often only costs time on slow terminals.
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

bool wanted() {
  const CommonOptions& options = common_options();
  if (options.quiet) return false;
  switch (options.progress) {
    case ProgressMode::always:
      return true;
    case ProgressMode::never:
      return false;
    case ProgressMode::automatic:
      break;
  }
  return ::isatty(STDERR_FILENO) == 1;
}

}  // namespace

ProgressBar::ProgressBar(std::string label) : label_(std::move(label)), enabled_(wanted()) {}

ProgressBar::~ProgressBar() {
  if (drawn_) fmt::print(stderr, "\r\033[K");
}

sds::core::maintenance::Progress ProgressBar::callback() {
  return [this](std::uint64_t done, std::uint64_t total) {
    check_interrupt();
    done_ = done;
    if (enabled_) draw(done, total);
  };
}

void ProgressBar::draw(std::uint64_t done, std::uint64_t total) {
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  drawn_ = true;
  if (total == 0) {
    fmt::print(stderr, "\r{} {}\033[K", label_, human_bytes(done));
  } else {
    // Totals are estimates (bytes on disk), so the bar stops short of full.
    const double fraction = std::min(0.99, static_cast<double>(done) / static_cast<double>(total));
    const int filled = static_cast<int>(fraction * kWidth);
    fmt::print(stderr, "\r{} [{}{}] {:3.0f}% {}\033[K", label_, std::string(filled, '#'),
               std::string(kWidth - filled, ' '), fraction * 100, human_bytes(done));
  }
  std::fflush(stderr);
}

}  // namespace sdsctl
