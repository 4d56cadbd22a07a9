# The postgres:// backend against real PostgreSQL 15 servers, which
# scripts/postgres-clusters.sh starts and stops as CTest fixtures: `ctest`
# alone starts them before the first test that needs them and always stops
# them afterwards, failures included.
#
# - postgres_server: one primary, for the conformance suite (which every
#   binary running the suite over every scheme needs: SDS_POSTGRES_TEST_PROPERTIES)
#   and the backend's own tests;
# - postgres_pair: a primary and a synchronous streaming standby, for the
#   failover test, which kills the primary.
#
# Ports and directories follow from the build directory, so that several
# builds on one machine do not meet.
set(SDS_POSTGRES_TEST_PROPERTIES "")
if(NOT SDS_WITH_POSTGRES)
  return()
endif()
string(MD5 build_hash "${PROJECT_BINARY_DIR}")
string(SUBSTRING "${build_hash}" 0 4 port_hex)
math(EXPR port_base "0x${port_hex} % 20000 + 30000")
math(EXPR pair_primary_port "${port_base} + 1")
math(EXPR pair_standby_port "${port_base} + 2")
string(SUBSTRING "${build_hash}" 0 12 dir_hash)
set(clusters ${PROJECT_SOURCE_DIR}/scripts/postgres-clusters.sh)
set(server_dir /tmp/sds-postgres-${dir_hash}-server)
set(pair_dir /tmp/sds-postgres-${dir_hash}-pair)
set(password sds-test-password)
set(SDS_POSTGRES_URI "postgres://postgres:${password}@127.0.0.1:${port_base}/postgres")

foreach(fixture server pair)
  if(fixture STREQUAL "server")
    set(start_args ${server_dir} ${port_base})
  else()
    set(start_args ${pair_dir} ${pair_primary_port} ${pair_standby_port})
  endif()
  list(GET start_args 0 dir)
  # A run that was killed may have left its servers: stop them first.
  add_test(NAME postgres_${fixture}_start
    COMMAND bash -c "\"$0\" stop \"$1\" && \"$0\" start \"$@\"" ${clusters} ${start_args})
  add_test(NAME postgres_${fixture}_stop COMMAND ${clusters} stop ${dir})
  set_tests_properties(postgres_${fixture}_start PROPERTIES FIXTURES_SETUP postgres_${fixture})
  set_tests_properties(postgres_${fixture}_stop PROPERTIES FIXTURES_CLEANUP postgres_${fixture})
endforeach()
set_tests_properties(postgres_pair_start postgres_pair_stop PROPERTIES LABELS reliability)

set(conformance_environment "SDS_CONFORMANCE_POSTGRES_URI=${SDS_POSTGRES_URI}?table={name}")
set(SDS_POSTGRES_TEST_PROPERTIES
  FIXTURES_REQUIRED postgres_server ENVIRONMENT "${conformance_environment}")
# For the tests of other directories that run over every scheme (the Node
# addon's, bindings/node/node_tests.cmake).
set_property(GLOBAL PROPERTY SDS_POSTGRES_CONFORMANCE_ENVIRONMENT "${conformance_environment}")

# One variable: test discovery passes one ENVIRONMENT entry per test.
set(postgres_environment "SDS_POSTGRES_TESTS=port=${port_base} password=${password} \
bin=/usr/lib/postgresql/15/bin pair_dir=${pair_dir} pair_primary=${pair_primary_port} \
pair_standby=${pair_standby_port}")

# The backend's own tests: URIs, typed errors, reconnecting; then, with the
# label `reliability` and one at a time, two processes on one store (on
# postgres_server) and the failover (on postgres_pair, whose primary it kills).
set(postgres_test_binaries
  sds_postgres_tests:postgres_test.cpp:postgres_server
  sds_postgres_processes_tests:processes_test.cpp:postgres_server
  sds_postgres_failover_tests:failover_test.cpp:postgres_pair)
foreach(binary ${postgres_test_binaries})
  string(REPLACE ":" ";" binary ${binary})
  list(GET binary 0 target)
  list(GET binary 1 source)
  list(GET binary 2 fixture)
  if(target STREQUAL "sds_postgres_tests")
    set(reliability "")
  else()
    set(reliability LABELS reliability RUN_SERIAL TRUE TIMEOUT 300)
  endif()
  sds_add_test_binary(NAME ${target}
    SOURCES postgres/${source} postgres/server.cpp conformance/test_support.cpp
    LIBRARIES sds PkgConfig::LIBPQ
    PROPERTIES FIXTURES_REQUIRED ${fixture} ENVIRONMENT "${postgres_environment}" ${reliability})
endforeach()

# sdsctl on postgres://, the real binary, as tests/sdsctl_tests.cmake runs it.
if(TARGET sdsctl)
  find_package(nlohmann_json REQUIRED)
  sds_add_test_binary(NAME sdsctl_postgres_tests
    SOURCES postgres/sdsctl_test.cpp postgres/server.cpp sdsctl_support.cpp
            conformance/test_support.cpp
    LIBRARIES sds_internal PkgConfig::LIBPQ nlohmann_json::nlohmann_json util
    DEFINITIONS SDSCTL_PATH="$<TARGET_FILE:sdsctl>"
    DEPENDS sdsctl
    PROPERTIES FIXTURES_REQUIRED postgres_server ENVIRONMENT "${postgres_environment}")
endif()
