#include "bindings/node/src/jobs.hpp"

#include "sds/error.hpp"

namespace sds::node {

Database& DatabaseSlot::get() {
  if (open_failure) throw JsFailure(*open_failure);
  if (!database) throw Error(Errc::closed, "database '" + uri + "' is closed");
  return *database;
}

Store& StoreSlot::get() {
  if (open_failure) throw JsFailure(*open_failure);
  if (closed) throw Error(Errc::closed, "store '" + id + "' is closed");
  if (!store) {
    try {
      store = database->get().store(id);
    } catch (...) {
      open_failure = current_failure();
      throw;
    }
  }
  return *store;
}

}  // namespace sds::node
