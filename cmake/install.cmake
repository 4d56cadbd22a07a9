# Installs the library, the public headers and a CMake package config, so that
# a project elsewhere does find_package(sds) and links sds::sds.
include(CMakePackageConfigHelpers)

install(TARGETS sds EXPORT sdsTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/sds DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${SDS_GENERATED_INCLUDE_DIR}/sds/version.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/sds)
install(EXPORT sdsTargets NAMESPACE sds:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sds)

set(SDS_CONFIG_SQLITE ${SDS_WITH_SQLITE})
set(SDS_CONFIG_LMDB ${SDS_WITH_LMDB})
set(SDS_CONFIG_ROCKSDB ${SDS_WITH_ROCKSDB})
configure_package_config_file(cmake/sdsConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/sdsConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sds)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/sdsConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/sdsConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/sdsConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sds)
