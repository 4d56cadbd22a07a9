if(SDS_WITH_ROCKSDB)
  # Links RocksDB itself for its per-thread perf counters (rocksdb/perf_context.h).
  find_package(RocksDB CONFIG REQUIRED)
  # Serial: one test waits for a background compaction, which starves when
  # other tests keep both cores busy.
  sds_add_test_binary(NAME sds_rocksdb_tests
    SOURCES rocksdb_test.cpp conformance/test_support.cpp
    LIBRARIES sds::sds RocksDB::rocksdb-shared
    PROPERTIES RUN_SERIAL TRUE)
endif()
