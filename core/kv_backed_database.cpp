#include "core/kv_backed_database.hpp"

#include "core/catalog.hpp"
#include "core/errors.hpp"
#include "core/keys.hpp"
#include "core/kv_backed_store.hpp"
#include "core/totals.hpp"
#include "sds/error.hpp"

namespace sds::core {

KvBackedDatabase::KvBackedDatabase(std::shared_ptr<SharedBackend> shared, StoreOptions options)
    : handle_(shared, "database " + in_quotes(shared->uri())),
      uri_(shared->uri()),
      options_(options) {}

KvBackedDatabase::~KvBackedDatabase() { close(); }

void KvBackedDatabase::close() { handle_.close(); }

std::unique_ptr<Store> KvBackedDatabase::store(std::string_view id) {
  check_store_id(id, "in " + in_quotes(uri_));
  std::shared_ptr<SharedBackend> shared = handle_.share();
  if (options_.read_only) {
    bool exists = false;
    shared->kv().view([&](kv::ReadTransaction& txn) {
      exists = find_store(txn, id, shared->where()).has_value();
    });
    if (!exists) {
      throw Error(Errc::not_found, "no store '" + keys::printable(id) + "' " + shared->where(),
                  "a database opened read-only creates no store; `sdsctl stores` lists "
                  "those there are");
    }
  }
  return std::make_unique<KvBackedStore>(std::move(shared), std::string(id), options_);
}

std::vector<std::string> KvBackedDatabase::stores() {
  std::vector<std::string> out;
  handle_.use([&](SharedBackend& shared) {
    shared.kv().view([&](kv::ReadTransaction& txn) {
      for (auto& [id, number] : list_stores(txn, shared.where())) out.push_back(std::move(id));
    });
  });
  return out;
}

void KvBackedDatabase::drop_store(std::string_view id) {
  check_store_id(id, "in " + in_quotes(uri_));
  if (options_.read_only) {
    throw Error(Errc::unsupported,
                "cannot drop store '" + keys::printable(id) + "' of " + in_quotes(uri_) +
                    ": it is open read-only",
                "open it for writing to drop a store");
  }
  handle_.use([&](SharedBackend& shared) {
    const std::shared_ptr<StoreState> state = shared.state(id);
    shared.write(
        [&](kv::WriteTransaction& txn, WriteContext& context) {
          const auto number = find_store(txn, id, shared.where());
          if (!number) {
            throw Error(Errc::not_found,
                        "cannot drop store '" + keys::printable(id) + "' of " + in_quotes(uri_) +
                            ": there is no such store",
                        "`sdsctl stores` lists the stores there are");
          }
          txn.erase_range(keys::store_begin(*number), keys::store_end(*number));
          forget_store(txn, id, shared.where());
          // Open Store objects of this id start over as a new, empty store.
          context.forget(state);
        },
        id);
  });
}

DatabaseStats KvBackedDatabase::stats() {
  DatabaseStats out;
  handle_.use([&](SharedBackend& shared) {
    shared.kv().view([&](kv::ReadTransaction& txn) {
      out.store_count = list_stores(txn, shared.where()).size();
      const BlobTotals blobs = total_blobs(txn);
      out.blob_count = blobs.count;
      out.blob_bytes = blobs.bytes;
      out.blob_stored_bytes = blobs.stored_bytes;
    });
    out.bytes_on_disk = shared.kv().bytes_on_disk();
    out.format_version = shared.format_version();
  });
  return out;
}

void KvBackedDatabase::flush() {
  handle_.use([](SharedBackend& shared) { shared.kv().flush(); });
}

}  // namespace sds::core
