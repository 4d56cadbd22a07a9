// The C API's database functions: sdsp_open_database, sdsp_open and the
// methods of sds::Database.
#include <new>

#include "bindings/c/c_api.hpp"

namespace {

using sds::capi::guard;
using sds::capi::require;

sds::OpenOptions options_of(unsigned flags) {
  if ((flags & ~SDSP_OPEN_READ_ONLY) != 0) {
    throw sds::Error(sds::Errc::invalid_argument,
                     "unknown open flags " + std::to_string(flags & ~SDSP_OPEN_READ_ONLY),
                     "pass 0 or SDSP_OPEN_READ_ONLY");
  }
  sds::OpenOptions options;
  options.read_only = (flags & SDSP_OPEN_READ_ONLY) != 0;
  return options;
}

sds::Database& database_of(sdsp_database* handle, const char* what) {
  require(handle != nullptr, what);
  return *handle->database;
}

}  // namespace

extern "C" {

sdsp_code sdsp_open_database(const char* uri, unsigned flags, sdsp_database** database,
                             sdsp_error** error) {
  return guard(error, [&] {
    require(uri != nullptr, "sdsp_open_database: uri");
    require(database != nullptr, "sdsp_open_database: database");
    auto handle = std::make_unique<sdsp_database>();
    handle->database = sds::open_database(uri, options_of(flags));
    *database = handle.release();
  });
}

sdsp_code sdsp_open(const char* uri, const void* store_id, size_t store_id_size, unsigned flags,
                    sdsp_store** store, sdsp_error** error) {
  return guard(error, [&] {
    require(uri != nullptr, "sdsp_open: uri");
    require(store != nullptr, "sdsp_open: store");
    auto handle = std::make_unique<sdsp_store>();
    handle->store = sds::open(
        uri, sds::capi::text_of(store_id, store_id_size, "sdsp_open: store_id"), options_of(flags));
    *store = handle.release();
  });
}

sdsp_code sdsp_database_store(sdsp_database* database, const void* store_id, size_t store_id_size,
                              sdsp_store** store, sdsp_error** error) {
  return guard(error, [&] {
    auto& opened = database_of(database, "sdsp_database_store: database");
    require(store != nullptr, "sdsp_database_store: store");
    auto handle = std::make_unique<sdsp_store>();
    handle->store =
        opened.store(sds::capi::text_of(store_id, store_id_size, "sdsp_database_store: store_id"));
    *store = handle.release();
  });
}

sdsp_code sdsp_database_stores(sdsp_database* database, sdsp_bytes_list* store_ids,
                               sdsp_error** error) {
  return guard(error, [&] {
    auto& opened = database_of(database, "sdsp_database_stores: database");
    require(store_ids != nullptr, "sdsp_database_stores: store_ids");
    *store_ids = sds::capi::copy_list(opened.stores());
  });
}

sdsp_code sdsp_database_drop_store(sdsp_database* database, const void* store_id,
                                   size_t store_id_size, sdsp_error** error) {
  return guard(error, [&] {
    database_of(database, "sdsp_database_drop_store: database")
        .drop_store(
            sds::capi::text_of(store_id, store_id_size, "sdsp_database_drop_store: store_id"));
  });
}

sdsp_code sdsp_database_get_stats(sdsp_database* database, sdsp_database_stats* stats,
                                  sdsp_error** error) {
  return guard(error, [&] {
    auto& opened = database_of(database, "sdsp_database_get_stats: database");
    require(stats != nullptr, "sdsp_database_get_stats: stats");
    const sds::DatabaseStats figures = opened.stats();
    *stats = sdsp_database_stats{figures.store_count,
                                 figures.blob_count,
                                 figures.blob_bytes,
                                 figures.blob_stored_bytes,
                                 figures.bytes_on_disk.has_value(),
                                 figures.bytes_on_disk.value_or(0),
                                 figures.format_version};
  });
}

sdsp_code sdsp_database_flush(sdsp_database* database, sdsp_error** error) {
  return guard(error, [&] { database_of(database, "sdsp_database_flush: database").flush(); });
}

const char* sdsp_database_uri(const sdsp_database* database) {
  return database == nullptr ? "" : database->database->uri().c_str();
}

int sdsp_database_read_only(const sdsp_database* database) {
  return database != nullptr && database->database->read_only();
}

sdsp_code sdsp_database_close(sdsp_database* database, sdsp_error** error) {
  return guard(error, [&] { database_of(database, "sdsp_database_close: database").close(); });
}

void sdsp_database_free(sdsp_database* database) {
  if (database == nullptr) return;
  sdsp_database_close(database, nullptr);  // a failing close still frees the handle
  delete database;
}

}  // extern "C"
