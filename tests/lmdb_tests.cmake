# The lmdb: backend's own promises: map growth, several processes, compaction;
# and the arithmetic of map growth, an internal of the backend.
if(SDS_WITH_LMDB)
  target_sources(sds_conformance_tests PRIVATE lmdb_test.cpp)
  target_sources(sds_unit_tests PRIVATE lmdb_map_growth_test.cpp lmdb_map_address_test.cpp)
endif()

# The heap an LMDB session needs (embedded budgets): prints its figures.
if(SDS_WITH_LMDB)
  add_executable(sds_heap_budget heap_budget.cpp)
  target_link_libraries(sds_heap_budget PRIVATE sds)
  target_compile_options(sds_heap_budget PRIVATE -Wall -Wextra)
  add_test(NAME heap_budget COMMAND sds_heap_budget)
  set_tests_properties(heap_budget PROPERTIES LABELS budget)
endif()
