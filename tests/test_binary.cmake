# sds_add_test_binary: one GoogleTest binary of tests/, as every suite here
# builds it: its sources, GTest::gtest_main, the repository root on the include
# path (for core/ and tests/ headers), -Wall -Wextra, and its tests registered
# with CTest.
#
#   sds_add_test_binary(NAME target
#     SOURCES source...              relative to tests/ (or absolute)
#     LIBRARIES library...           linked PRIVATE, besides GTest::gtest_main
#     [DEFINITIONS definition...]    compile definitions (PRIVATE)
#     [DEPENDS target...]            built before it (sdsctl, which it runs)
#     [PROPERTIES name value...]     of each of its CTest tests: LABELS reliability,
#                                    ${SDS_POSTGRES_TEST_PROPERTIES}, RUN_SERIAL TRUE...
#     [WHOLE_BINARY_TEST test])      one CTest test of that name runs the whole
#                                    binary, in place of one per GoogleTest test
#
# Sources, libraries or definitions that depend on the build's options are
# added to the target afterwards (target_sources...): tests are discovered
# after the build, so they are found too.
function(sds_add_test_binary)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "NAME;WHOLE_BINARY_TEST"
    "SOURCES;LIBRARIES;DEFINITIONS;DEPENDS;PROPERTIES")
  if(NOT ARG_NAME OR NOT ARG_SOURCES OR ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "sds_add_test_binary(NAME target SOURCES ... LIBRARIES ...): "
      "got '${ARG_NAME}', sources '${ARG_SOURCES}', unknown '${ARG_UNPARSED_ARGUMENTS}'")
  endif()
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_LIBRARIES} GTest::gtest_main)
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${ARG_NAME} PRIVATE -Wall -Wextra)
  if(ARG_DEFINITIONS)
    target_compile_definitions(${ARG_NAME} PRIVATE ${ARG_DEFINITIONS})
  endif()
  if(ARG_DEPENDS)
    add_dependencies(${ARG_NAME} ${ARG_DEPENDS})
  endif()
  if(ARG_WHOLE_BINARY_TEST)
    add_test(NAME ${ARG_WHOLE_BINARY_TEST} COMMAND ${ARG_NAME})
    if(ARG_PROPERTIES)
      set_tests_properties(${ARG_WHOLE_BINARY_TEST} PROPERTIES ${ARG_PROPERTIES})
    endif()
  elseif(ARG_PROPERTIES)
    gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60 PROPERTIES ${ARG_PROPERTIES})
  else()
    gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
