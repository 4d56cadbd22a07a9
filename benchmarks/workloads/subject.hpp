// Subject: the one store a workload talks to, on the engine or on a raw library.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <sds/types.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sds::workloads {

// The operations the workloads that have raw-library baselines need, with the
// engine's semantics: a second append at a clock is ignored, the first blob
// saved under a hash is kept. Engine subjects may be shared by threads; raw
// ones serve one thread at a time.
class Subject {
 public:
  virtual ~Subject() = default;

  virtual void append_patch(ByteView patch, Clock clock) = 0;
  // Appends patches[i] at first_clock + i in one transaction (the engine's
  // WriteBatch, one Store::write).
  virtual void append_patches(std::span<const ByteView> patches, Clock first_clock) = 0;
  virtual void save_snapshot(ByteView snapshot, Clock clock) = 0;
  virtual std::optional<Bytes> load_snapshot() = 0;
  virtual std::vector<Bytes> load_patches_since(Clock clock) = 0;
  virtual void save_value(std::string_view hash, ByteView data) = 0;
  virtual std::optional<Bytes> load_value(std::string_view hash) = 0;
  virtual void release_value(std::string_view hash) = 0;
};

// Opens a subject for a URI of its scheme and one store id.
using SubjectOpener =
    std::function<std::unique_ptr<Subject>(std::string_view uri, std::string_view store_id)>;

// Makes `scheme` open through `open` instead of the engine (raw baselines).
// Not thread-safe: register before running workloads.
void register_subject_scheme(std::string scheme, SubjectOpener open);

// The schemes registered with register_subject_scheme(), sorted.
std::vector<std::string> subject_schemes();

// The store `store_id` of the database at `uri`: through a registered opener
// when the scheme has one, else through sds::open_database. Throws what they
// throw (sds::Error for the engine).
std::unique_ptr<Subject> open_subject(std::string_view uri, std::string_view store_id);

}  // namespace sds::workloads
