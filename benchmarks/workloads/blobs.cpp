// make_blobs: saving new blobs, or loading saved ones.
#include <stdexcept>
#include <string>

#include "place.hpp"
#include "stopwatch.hpp"
#include "subject.hpp"
#include "workloads.hpp"

namespace sds::workloads {
namespace {

class Blobs final : public Workload {
 public:
  Blobs(const Target& target, const BlobOptions& options)
      : options_(options), place_(target), subject_(open_subject(place_.uri(), "bench")) {
    // Different bytes per blob, so no layer below can recognise a repeat.
    for (int i = 0; i < options_.blobs_per_run; ++i) {
      blobs_.push_back(make_payload(options_.blob_bytes, options_.content, 100 + i));
    }
    if (options_.operation == BlobOptions::Operation::load) save(hashes_of_run(0));
  }

  Figures run() override {
    const bool saving = options_.operation == BlobOptions::Operation::save;
    // Each save run saves new hashes; loads read the blobs saved at the start.
    const std::vector<std::string> hashes = hashes_of_run(saving ? ++runs_ : 0);
    Stopwatch stopwatch;
    if (saving) {
      save(hashes);
    } else {
      load(hashes);
    }
    const double seconds = stopwatch.seconds();
    const auto ops = static_cast<std::uint64_t>(options_.blobs_per_run);
    Figures figures{seconds, ops, ops * options_.blob_bytes, place_.bytes_on_disk(), std::nullopt};
    // Saved blobs are released so that memory: databases do not grow run by run.
    if (saving) {
      for (const std::string& hash : hashes) subject_->release_value(hash);
    }
    return figures;
  }

 private:
  std::vector<std::string> hashes_of_run(int run) const {
    std::vector<std::string> hashes;
    for (int i = 0; i < options_.blobs_per_run; ++i) {
      hashes.push_back("blob-" + std::to_string(run) + "-" + std::to_string(i));
    }
    return hashes;
  }

  void save(const std::vector<std::string>& hashes) {
    for (std::size_t i = 0; i < hashes.size(); ++i) subject_->save_value(hashes[i], blobs_[i]);
  }

  void load(const std::vector<std::string>& hashes) {
    for (std::size_t i = 0; i < hashes.size(); ++i) {
      const std::optional<Bytes> blob = subject_->load_value(hashes[i]);
      if (!blob || blob->size() != blobs_[i].size()) {
        throw std::runtime_error("blob '" + hashes[i] + "' read back something else than saved");
      }
    }
  }

  BlobOptions options_;
  Place place_;
  std::unique_ptr<Subject> subject_;
  std::vector<Bytes> blobs_;
  int runs_ = 0;
};

}  // namespace

std::unique_ptr<Workload> make_blobs(const Target& target, const BlobOptions& options) {
  return std::make_unique<Blobs>(target, options);
}

}  // namespace sds::workloads
