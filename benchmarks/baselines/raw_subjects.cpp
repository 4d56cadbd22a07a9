#include "raw_subjects.hpp"

#include "raw_openers.hpp"

namespace sds::baselines {

void register_raw_subjects() {
  using workloads::register_subject_scheme;
#ifdef SDS_WITH_SQLITE
  register_subject_scheme("raw-sqlite", [](std::string_view uri, std::string_view) {
    return open_raw_sqlite(uri, /*without_rowid=*/true);
  });
  register_subject_scheme("raw-sqlite-rowid", [](std::string_view uri, std::string_view) {
    return open_raw_sqlite(uri, /*without_rowid=*/false);
  });
#endif
#ifdef SDS_WITH_LMDB
  register_subject_scheme(
      "raw-lmdb", [](std::string_view uri, std::string_view) { return open_raw_lmdb(uri); });
#endif
#ifdef SDS_WITH_ROCKSDB
  register_subject_scheme(
      "raw-rocksdb", [](std::string_view uri, std::string_view) { return open_raw_rocksdb(uri); });
#endif
}

}  // namespace sds::baselines
