# The addon's tests: `node --test` on test/*.test.js, loading the package of
# the build tree through NODE_PATH as an application loads an installed one;
# and `tsc --noEmit` on index.d.ts. A sanitizer build leaves them out, and
# says so: node cannot load an instrumented addon without preloading the
# sanitizer runtime.
if(SDS_SANITIZE)
  message(STATUS "node_addon tests: not registered in a sanitizer build (SDS_SANITIZE)")
  return()
endif()
find_program(SDS_NODE_EXECUTABLE node REQUIRED)
file(GLOB SDS_NODE_TEST_FILES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/test/*.test.js)
add_test(NAME node_addon
  COMMAND ${SDS_NODE_EXECUTABLE} --test ${SDS_NODE_TEST_FILES}
  WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(node_addon PROPERTIES
  ENVIRONMENT "NODE_PATH=${CMAKE_CURRENT_BINARY_DIR}"
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
