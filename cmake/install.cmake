# Installs the library, the public headers and a CMake package config, so that
# a project elsewhere does find_package(sds) and links sds::sds.
include(CMakePackageConfigHelpers)

install(TARGETS sds EXPORT sdsTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/sds DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES include/sds_persistence.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})  # the C API
install(FILES ${SDS_GENERATED_INCLUDE_DIR}/sds/version.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/sds)
install(EXPORT sdsTargets NAMESPACE sds:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sds)

# The documentation, to share/doc/sds: README.md, LICENSE, CHANGELOG.md, and
# docs/ as a folder, so that the README's links to docs/*.md still work there.
install(FILES README.md LICENSE CHANGELOG.md DESTINATION ${SDS_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${SDS_INSTALL_DOCDIR}/docs FILES_MATCHING PATTERN "*.md")

# pkg-config: lib/pkgconfig/sds.pc from cmake/sds.pc.in. Its prefix is found
# from the file's own place (${pcfiledir}), so the installed tree may move and
# `cmake --install --prefix` works.
set(SDS_PC_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${SDS_PC_INSTALL_DIR}")
  set(SDS_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH up "/prefix/${SDS_PC_INSTALL_DIR}" "/prefix")
  string(REGEX REPLACE "/$" "" up "${up}")
  set(SDS_PC_PREFIX "\${pcfiledir}/${up}")
endif()
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(SDS_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(SDS_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
# What a static libsds.a needs besides (pkg-config --static): the modules of
# zstd, xxhash and every backend compiled in.
set(SDS_PC_REQUIRES_PRIVATE libzstd libxxhash)
set(SDS_PC_BACKENDS memory)
foreach(backend_module SQLITE:sqlite3 LMDB:lmdb ROCKSDB:rocksdb POSTGRES:libpq)
  string(REPLACE ":" ";" backend_module ${backend_module})
  list(GET backend_module 0 backend)
  list(GET backend_module 1 module)
  if(SDS_WITH_${backend})
    list(APPEND SDS_PC_REQUIRES_PRIVATE ${module})
    string(TOLOWER ${backend} scheme)
    list(APPEND SDS_PC_BACKENDS ${scheme})
  endif()
endforeach()
list(JOIN SDS_PC_REQUIRES_PRIVATE " " SDS_PC_REQUIRES_PRIVATE)
list(JOIN SDS_PC_BACKENDS ", " SDS_PC_BACKENDS)
# The C++ runtime too, for C programs (include/sds_persistence.h) that link
# libsds.a with a C compiler.
set(SDS_PC_LIBS_PRIVATE "-lstdc++ -lm -pthread")
configure_file(cmake/sds.pc.in ${CMAKE_CURRENT_BINARY_DIR}/sds.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/sds.pc DESTINATION ${SDS_PC_INSTALL_DIR})

# The conformance suite as sources, and the CMake function that adds it to a
# test target (cmake/sdsConformance.cmake, included by sdsConfig.cmake).
set(SDS_CONFORMANCE_INSTALL_DIR ${CMAKE_INSTALL_DATADIR}/sds/conformance)
install(DIRECTORY tests/conformance/ DESTINATION ${SDS_CONFORMANCE_INSTALL_DIR})
install(FILES cmake/sdsConformance.cmake DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sds)

set(SDS_CONFIG_SQLITE ${SDS_WITH_SQLITE})
set(SDS_CONFIG_LMDB ${SDS_WITH_LMDB})
set(SDS_CONFIG_ROCKSDB ${SDS_WITH_ROCKSDB})
set(SDS_CONFIG_POSTGRES ${SDS_WITH_POSTGRES})
configure_package_config_file(cmake/sdsConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/sdsConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sds
  PATH_VARS SDS_CONFORMANCE_INSTALL_DIR)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/sdsConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/sdsConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/sdsConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sds)
