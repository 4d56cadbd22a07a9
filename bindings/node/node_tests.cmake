# The addon's tests: `node --test` on test/*.test.js, loading the package of
# the build tree through NODE_PATH as an application loads an installed one;
# and `tsc --noEmit` on index.d.ts.
set(SDS_NODE_TEST_ENVIRONMENT "NODE_PATH=${CMAKE_CURRENT_BINARY_DIR}")
# In a sanitizer build, node (not instrumented itself) loads the instrumented
# addon with the sanitizer runtimes preloaded, and without a leak check, which
# would report node's own allocations. Other sanitizers leave the tests out,
# and say so.
if(SDS_SANITIZE)
  string(REPLACE "," ";" sanitizers "${SDS_SANITIZE}")
  set(preload "")
  foreach(sanitizer ${sanitizers})
    if(sanitizer STREQUAL "address")
      set(runtime libasan.so)
    elseif(sanitizer STREQUAL "undefined")
      set(runtime libubsan.so)
    else()
      message(STATUS "node_addon tests: not registered with SDS_SANITIZE=${SDS_SANITIZE}")
      return()
    endif()
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=${runtime}
      OUTPUT_VARIABLE runtime_path OUTPUT_STRIP_TRAILING_WHITESPACE)
    list(APPEND preload ${runtime_path})
  endforeach()
  list(JOIN preload ":" preload)
  list(APPEND SDS_NODE_TEST_ENVIRONMENT "LD_PRELOAD=${preload}" "ASAN_OPTIONS=detect_leaks=0")
endif()
find_program(SDS_NODE_EXECUTABLE node REQUIRED)
file(GLOB SDS_NODE_TEST_FILES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/test/*.test.js)
add_test(NAME node_addon
  COMMAND ${SDS_NODE_EXECUTABLE} --test ${SDS_NODE_TEST_FILES}
  WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
# A server scheme's URI (test/support.js), with the fixture of its server.
get_property(postgres_environment GLOBAL PROPERTY SDS_POSTGRES_CONFORMANCE_ENVIRONMENT)
if(postgres_environment)
  list(APPEND SDS_NODE_TEST_ENVIRONMENT "${postgres_environment}")
  set_tests_properties(node_addon PROPERTIES FIXTURES_REQUIRED postgres_server)
endif()
set_tests_properties(node_addon PROPERTIES
  ENVIRONMENT "${SDS_NODE_TEST_ENVIRONMENT}"
  TIMEOUT 600)

# TypeScript comes from npm (scripts/install-deps.sh). Without it the test is
# there and fails, saying why: never skipped silently.
find_program(SDS_TSC_EXECUTABLE tsc)
if(SDS_TSC_EXECUTABLE)
  add_test(NAME node_addon_types
    COMMAND ${SDS_TSC_EXECUTABLE} --noEmit -p ${CMAKE_CURRENT_SOURCE_DIR}/test/tsconfig.json)
else()
  add_test(NAME node_addon_types
    COMMAND sh -c "echo 'tsc not found: scripts/install-deps.sh installs TypeScript from npm' >&2; exit 1")
endif()
