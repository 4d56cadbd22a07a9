# The lmdb: backend's own promises: map growth, several processes, compaction.
if(SDS_WITH_LMDB)
  target_sources(sds_conformance_tests PRIVATE lmdb_test.cpp)
endif()
