# End-to-end tests of sdsctl: they run the real binary.
if(TARGET sdsctl)
  find_package(nlohmann_json REQUIRED)
  sds_add_test_binary(NAME sdsctl_tests
    SOURCES
      ${CMAKE_CURRENT_LIST_DIR}/sdsctl_test.cpp
      ${CMAKE_CURRENT_LIST_DIR}/sdsctl_found_test.cpp
      ${CMAKE_CURRENT_LIST_DIR}/sdsctl_node_test.cpp
      ${CMAKE_CURRENT_LIST_DIR}/sdsctl_scripts_test.cpp
      ${CMAKE_CURRENT_LIST_DIR}/sdsctl_support.cpp
      ${CMAKE_CURRENT_LIST_DIR}/conformance/test_support.cpp
    LIBRARIES sds_internal nlohmann_json::nlohmann_json util
    DEFINITIONS SDSCTL_PATH="$<TARGET_FILE:sdsctl>"
    DEPENDS sdsctl)

  # `sdsctl bench`, in a file of its own.
  sds_add_test_binary(NAME sdsctl_bench_tests
    SOURCES
      ${CMAKE_CURRENT_LIST_DIR}/sdsctl_bench_test.cpp
      ${CMAKE_CURRENT_LIST_DIR}/conformance/test_support.cpp
    LIBRARIES sds_internal nlohmann_json::nlohmann_json
    DEFINITIONS SDSCTL_PATH="$<TARGET_FILE:sdsctl>"
    DEPENDS sdsctl)
  add_test(NAME sdsctl_completions
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/completions_test.sh
      ${PROJECT_SOURCE_DIR}/tools/sdsctl/completions)
  if(TARGET sync_session)
    add_test(NAME readme_sdsctl_session
      COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/readme_session_test.sh
        ${PROJECT_SOURCE_DIR}/README.md $<TARGET_FILE:sync_session> $<TARGET_FILE:sdsctl>)
  endif()
endif()
