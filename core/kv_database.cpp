#include "core/kv_database.hpp"

#include "core/catalog.hpp"
#include "core/keys.hpp"
#include "core/kv_store.hpp"
#include "core/totals.hpp"
#include "sds/error.hpp"

namespace sds::core {

KvDatabase::KvDatabase(std::shared_ptr<Engine> engine, StoreOptions options)
    : handle_(engine, "database " + engine->uri()), uri_(engine->uri()), options_(options) {}

KvDatabase::~KvDatabase() { close(); }

void KvDatabase::close() { handle_.close(); }

std::unique_ptr<Store> KvDatabase::store(std::string_view id) {
  check_store_id(id);
  std::shared_ptr<Engine> engine = handle_.share();
  if (options_.read_only) {
    bool exists = false;
    engine->kv().view([&](kv::ReadTransaction& txn) {
      exists = find_store(txn, id, engine->where()).has_value();
    });
    if (!exists) {
      throw Error(Errc::not_found, "no store '" + keys::printable(id) + "' in " + uri_ +
                                       " (opened read-only, so it is not created)");
    }
  }
  return std::make_unique<KvStore>(std::move(engine), std::string(id), options_);
}

std::vector<std::string> KvDatabase::stores() {
  std::vector<std::string> out;
  handle_.use([&](Engine& engine) {
    engine.kv().view([&](kv::ReadTransaction& txn) {
      for (auto& [id, number] : list_stores(txn, engine.where())) out.push_back(std::move(id));
    });
  });
  return out;
}

void KvDatabase::drop_store(std::string_view id) {
  check_store_id(id);
  if (options_.read_only) {
    throw Error(Errc::unsupported, "cannot drop a store of " + uri_ + ": it is open read-only");
  }
  handle_.use([&](Engine& engine) {
    std::lock_guard lock(engine.write_mutex());
    engine.kv().update([&](kv::WriteTransaction& txn) {
      const auto number = find_store(txn, id, engine.where());
      if (!number) {
        throw Error(Errc::not_found, "cannot drop store '" + keys::printable(id) + "': " + uri_ +
                                         " has no such store");
      }
      txn.erase_range(keys::store_begin(*number), keys::store_end(*number));
      forget_store(txn, id, engine.where());
    });
    // Open Store objects of this id start over as a new, empty store.
    engine.state(id)->set(StoreFigures{});
  });
}

DatabaseStats KvDatabase::stats() {
  DatabaseStats out;
  handle_.use([&](Engine& engine) {
    engine.kv().view([&](kv::ReadTransaction& txn) {
      out.store_count = list_stores(txn, engine.where()).size();
      const BlobTotals blobs = total_blobs(txn, engine.where());
      out.blob_count = blobs.count;
      out.blob_bytes = blobs.bytes;
      out.blob_stored_bytes = blobs.stored_bytes;
    });
    out.bytes_on_disk = engine.kv().bytes_on_disk();
    out.format_version = engine.format_version();
  });
  return out;
}

void KvDatabase::flush() {
  handle_.use([](Engine& engine) { engine.kv().flush(); });
}

}  // namespace sds::core
