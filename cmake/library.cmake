# The two libraries built from the objects of `sds_objects` (see CMakeLists.txt),
# and the helper with which backends add their sources and libraries to them.

configure_file(${PROJECT_SOURCE_DIR}/cmake/version.hpp.in
  ${CMAKE_CURRENT_BINARY_DIR}/generated/include/sds/version.hpp @ONLY)
set(SDS_GENERATED_INCLUDE_DIR ${CMAKE_CURRENT_BINARY_DIR}/generated/include)

# Defines `sds` (the installed library: shared unless BUILD_SHARED_LIBS is OFF)
# and `sds_internal` (static, with the core's headers) over `sds_objects`.
function(sds_define_libraries)
  add_library(sds $<TARGET_OBJECTS:sds_objects>)
  add_library(sds::sds ALIAS sds)
  set_target_properties(sds PROPERTIES VERSION ${PROJECT_VERSION} SOVERSION 0)
  target_compile_features(sds PUBLIC cxx_std_20)  # the public headers need C++20
  target_include_directories(sds PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${SDS_GENERATED_INCLUDE_DIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

  add_library(sds_internal STATIC $<TARGET_OBJECTS:sds_objects>)
  target_compile_features(sds_internal PUBLIC cxx_std_20)
  target_include_directories(sds_internal PUBLIC
    ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/include ${SDS_GENERATED_INCLUDE_DIR})
endfunction()

# Libraries the objects need: their include paths for the objects, and linked
# into `sds` and `sds_internal` alike.
function(sds_add_dependencies)
  target_link_libraries(sds_objects PRIVATE ${ARGN})
  target_link_libraries(sds PRIVATE ${ARGN})
  target_link_libraries(sds_internal PUBLIC ${ARGN})
endfunction()

# A built-in backend: its sources join the library's objects, its libraries
# both libraries, and SDS_WITH_<NAME> tells core/builtin_backends.cpp to
# register it.
function(sds_add_backend name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SOURCES;LIBRARIES")
  target_sources(sds_objects PRIVATE ${ARG_SOURCES})
  target_compile_definitions(sds_objects PRIVATE SDS_WITH_${name})
  target_compile_definitions(sds_internal PUBLIC SDS_WITH_${name})
  sds_add_dependencies(${ARG_LIBRARIES})
endfunction()
