// sds::Database over one file of the Node package's layout, with what sdsctl
// needs of a Store-level scheme (core/store_level_database.hpp).
#pragma once

#include <memory>
#include <shared_mutex>
#include <string>

#include "backends/node/node_file.hpp"
#include "core/store_level_database.hpp"

namespace sds::backend::node {

class NodeDatabase final : public core::StoreLevelDatabase {
 public:
  NodeDatabase(std::shared_ptr<NodeFile> file, const DatabaseSettings& settings);
  ~NodeDatabase() override;

  std::unique_ptr<Store> store(std::string_view id) override;
  std::vector<std::string> stores() override;
  void drop_store(std::string_view id) override;
  DatabaseStats stats() override;
  void visit_contents(ContentsVisitor& visitor, const ContentsSelection& selection) override;
  void flush() override;
  const std::string& uri() const override { return uri_; }
  bool read_only() const override { return read_only_; }
  void close() override;

  const BackendConfig& config() const override { return config_; }
  std::unique_ptr<core::Staging> begin_staging(core::TargetPolicy policy) override;
  core::TargetContents count_contents() override;
  std::optional<core::StagingArea> find_staging() override;
  kv::IntegrityCheck check_integrity() override;

 private:
  std::shared_ptr<NodeFile> file() const;
  // The ids of the stores that hold a snapshot or a patch, in bytewise order.
  std::vector<std::string> list_stores(NodeFile& file);

  mutable std::shared_mutex mutex_;
  std::shared_ptr<NodeFile> file_;
  const BackendConfig config_;
  const std::string uri_;
  const bool read_only_;
  const DatabaseSettings settings_;
};

}  // namespace sds::backend::node
