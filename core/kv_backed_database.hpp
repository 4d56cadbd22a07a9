// The Database of every key-value backend.
#pragma once

#include <memory>
#include <string>

#include "core/shared_backend.hpp"
#include "core/shared_backend_handle.hpp"
#include "core/store_options.hpp"
#include "sds/database.hpp"

namespace sds::core {

class KvBackedDatabase final : public Database {
 public:
  KvBackedDatabase(std::shared_ptr<SharedBackend> shared, StoreOptions options);
  ~KvBackedDatabase() override;

  std::unique_ptr<Store> store(std::string_view id) override;
  std::vector<std::string> stores() override;
  void drop_store(std::string_view id) override;
  DatabaseStats stats() override;
  void visit_contents(ContentsVisitor& visitor, const ContentsSelection& selection) override;
  void flush() override;
  const std::string& uri() const override { return uri_; }
  bool read_only() const override { return options_.read_only; }
  void close() override;

 private:
  SharedBackendHandle handle_;
  std::string uri_;
  StoreOptions options_;
};

}  // namespace sds::core
