# End-to-end tests of sdsctl: they run the real binary.
if(TARGET sdsctl)
  find_package(nlohmann_json REQUIRED)
  add_executable(sdsctl_tests
    ${CMAKE_CURRENT_LIST_DIR}/sdsctl_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sdsctl_found_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sdsctl_node_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sdsctl_scripts_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sdsctl_support.cpp
    ${CMAKE_CURRENT_LIST_DIR}/conformance/test_support.cpp)
  target_link_libraries(sdsctl_tests PRIVATE sds_internal nlohmann_json::nlohmann_json GTest::gtest_main util)
  target_include_directories(sdsctl_tests PRIVATE ${sds_SOURCE_DIR})
  target_compile_options(sdsctl_tests PRIVATE -Wall -Wextra)
  target_compile_definitions(sdsctl_tests PRIVATE SDSCTL_PATH="$<TARGET_FILE:sdsctl>")
  add_dependencies(sdsctl_tests sdsctl)
  gtest_discover_tests(sdsctl_tests DISCOVERY_TIMEOUT 60)

  # `sdsctl bench`, in a file of its own.
  add_executable(sdsctl_bench_tests ${CMAKE_CURRENT_LIST_DIR}/sdsctl_bench_test.cpp ${CMAKE_CURRENT_LIST_DIR}/conformance/test_support.cpp)
  target_link_libraries(sdsctl_bench_tests PRIVATE sds_internal nlohmann_json::nlohmann_json GTest::gtest_main)
  target_include_directories(sdsctl_bench_tests PRIVATE ${sds_SOURCE_DIR})
  target_compile_options(sdsctl_bench_tests PRIVATE -Wall -Wextra)
  target_compile_definitions(sdsctl_bench_tests PRIVATE SDSCTL_PATH="$<TARGET_FILE:sdsctl>")
  add_dependencies(sdsctl_bench_tests sdsctl)
  gtest_discover_tests(sdsctl_bench_tests DISCOVERY_TIMEOUT 60)
  add_test(NAME sdsctl_completions
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/completions_test.sh
      ${PROJECT_SOURCE_DIR}/tools/sdsctl/completions)
  if(TARGET sync_session)
    add_test(NAME readme_sdsctl_session
      COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/readme_session_test.sh
        ${PROJECT_SOURCE_DIR}/README.md $<TARGET_FILE:sync_session> $<TARGET_FILE:sdsctl>)
  endif()
endif()
