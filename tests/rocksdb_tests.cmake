if(SDS_WITH_ROCKSDB)
  # Links RocksDB itself for its per-thread perf counters (rocksdb/perf_context.h).
  find_package(RocksDB CONFIG REQUIRED)
  add_executable(sds_rocksdb_tests rocksdb_test.cpp conformance/test_support.cpp)
  target_link_libraries(sds_rocksdb_tests
    PRIVATE sds::sds RocksDB::rocksdb-shared GTest::gtest_main)
  target_include_directories(sds_rocksdb_tests PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(sds_rocksdb_tests PRIVATE -Wall -Wextra)
  # Serial: one test waits for a background compaction, which starves when
  # other tests keep both cores busy.
  gtest_discover_tests(sds_rocksdb_tests DISCOVERY_TIMEOUT 60 PROPERTIES RUN_SERIAL TRUE)
endif()
