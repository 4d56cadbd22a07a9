#include "subject.hpp"

#include <map>
#include <sds/database.hpp>
#include <sds/store.hpp>
#include <sds/write_batch.hpp>

namespace sds::workloads {
namespace {

class EngineSubject final : public Subject {
 public:
  EngineSubject(std::string_view uri, std::string_view store_id)
      : database_(sds::open_database(uri)), store_(database_->store(store_id)) {}

  void append_patch(ByteView patch, Clock clock) override { store_->append_patch(patch, clock); }
  void append_patches(std::span<const ByteView> patches, Clock first_clock) override {
    sds::WriteBatch batch;
    for (const ByteView patch : patches) batch.append_patch(patch, first_clock++);
    store_->write(batch);
  }
  void save_snapshot(ByteView snapshot, Clock clock) override {
    store_->save_snapshot(snapshot, clock);
  }
  std::optional<Bytes> load_snapshot() override { return store_->load_snapshot(); }
  std::vector<Bytes> load_patches_since(Clock clock) override {
    return store_->load_patches_since(clock);
  }
  void save_value(std::string_view hash, ByteView data) override { store_->save_value(hash, data); }
  std::optional<Bytes> load_value(std::string_view hash) override {
    return store_->load_value(hash);
  }
  void release_value(std::string_view hash) override { store_->release_value(hash); }

 private:
  std::unique_ptr<sds::Database> database_;
  std::unique_ptr<sds::Store> store_;
};

std::map<std::string, SubjectOpener>& openers() {
  static std::map<std::string, SubjectOpener> registered;
  return registered;
}

}  // namespace

void register_subject_scheme(std::string scheme, SubjectOpener open) {
  openers()[std::move(scheme)] = std::move(open);
}

std::vector<std::string> subject_schemes() {
  std::vector<std::string> schemes;
  for (const auto& [scheme, open] : openers()) schemes.push_back(scheme);
  return schemes;
}

std::unique_ptr<Subject> open_subject(std::string_view uri, std::string_view store_id) {
  const std::string scheme(uri.substr(0, uri.find(':')));
  if (const auto it = openers().find(scheme); it != openers().end()) {
    return it->second(uri, store_id);
  }
  return std::make_unique<EngineSubject>(uri, store_id);
}

}  // namespace sds::workloads
