// The Database of every key-value backend.
#pragma once

#include <memory>
#include <string>

#include "core/engine.hpp"
#include "core/engine_handle.hpp"
#include "core/store_options.hpp"
#include "sds/database.hpp"

namespace sds::core {

class KvDatabase final : public Database {
 public:
  KvDatabase(std::shared_ptr<Engine> engine, StoreOptions options);
  ~KvDatabase() override;

  std::unique_ptr<Store> store(std::string_view id) override;
  std::vector<std::string> stores() override;
  void drop_store(std::string_view id) override;
  DatabaseStats stats() override;
  void flush() override;
  const std::string& uri() const override { return uri_; }
  bool read_only() const override { return options_.read_only; }
  void close() override;

 private:
  EngineHandle handle_;
  std::string uri_;
  StoreOptions options_;
};

}  // namespace sds::core
