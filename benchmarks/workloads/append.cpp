// make_append: patches appended one call at a time, in batches, or from threads.
#include <algorithm>
#include <exception>
#include <latch>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "io_counters.hpp"
#include "place.hpp"
#include "stopwatch.hpp"
#include "subject.hpp"
#include "workloads.hpp"

namespace sds::workloads {
namespace {

class Append final : public Workload {
 public:
  Append(const Target& target, const AppendOptions& options)
      : options_(options),
        place_(target),
        subject_(open_subject(place_.uri(), "bench")),
        patch_(make_payload(options.patch_bytes, Content::random, 1)) {}

  Figures run() override {
    const Clock first = next_clock_;
    next_clock_ += options_.patches_per_run;
    const std::optional<IoCounts> before = io_counts_now();
    const double seconds = options_.threads == 1 ? time_one_thread(first) : time_threads(first);
    const std::optional<IoCounts> io = io_counts_between(before, io_counts_now());
    return {seconds, options_.patches_per_run, options_.patches_per_run * options_.patch_bytes,
            place_.bytes_on_disk(), io};
  }

 private:
  // Appends the clocks first + share + k * stride below this run's end.
  void append_share(Clock first, int share, int stride) {
    const Clock end = first + options_.patches_per_run;
    if (options_.batch == 1) {
      for (Clock clock = first + share; clock < end; clock += stride) {
        subject_->append_patch(patch_, clock);
      }
      return;
    }
    // Threads take whole batches in turn, so each batch holds consecutive clocks.
    const std::vector<ByteView> batch(options_.batch, ByteView(patch_));
    for (Clock clock = first + share * options_.batch; clock < end;
         clock += stride * options_.batch) {
      const auto size = static_cast<std::size_t>(std::min<Clock>(options_.batch, end - clock));
      subject_->append_patches(std::span(batch).first(size), clock);
    }
  }

  double time_one_thread(Clock first) {
    Stopwatch stopwatch;
    append_share(first, 0, 1);
    return stopwatch.seconds();
  }

  // The clock starts when every thread exists, so starting them is not timed;
  // the first failure is rethrown after every thread ended.
  double time_threads(Clock first) {
    std::latch start(options_.threads + 1);
    std::mutex failure_mutex;
    std::exception_ptr failure;
    std::vector<std::jthread> threads;
    for (int share = 0; share < options_.threads; ++share) {
      threads.emplace_back([&, share] {
        start.arrive_and_wait();
        try {
          append_share(first, share, options_.threads);
        } catch (...) {
          const std::lock_guard lock(failure_mutex);
          if (!failure) failure = std::current_exception();
        }
      });
    }
    start.arrive_and_wait();
    Stopwatch stopwatch;
    threads.clear();  // joins
    const double seconds = stopwatch.seconds();
    if (failure) std::rethrow_exception(failure);
    return seconds;
  }

  AppendOptions options_;
  Place place_;
  std::unique_ptr<Subject> subject_;
  Bytes patch_;
  Clock next_clock_ = 1;
};

}  // namespace

std::unique_ptr<Workload> make_append(const Target& target, const AppendOptions& options) {
  const std::vector<std::string> raw = subject_schemes();
  if (options.threads > 1 && std::find(raw.begin(), raw.end(), target.scheme) != raw.end()) {
    throw std::invalid_argument(target.scheme + " serves one thread at a time");
  }
  return std::make_unique<Append>(target, options);
}

}  // namespace sds::workloads
