# The man pages of sdsctl (SDS_BUILD_MAN): generated at build time by help2man
# from the built sdsctl's --help (cmake/help2man.cmake), installed to
# share/man/man1. Included by tools/CMakeLists.txt after the sdsctl target.
if(NOT SDS_BUILD_MAN)
  return()
endif()
find_program(SDS_HELP2MAN help2man)
if(NOT SDS_HELP2MAN)
  message(FATAL_ERROR
    "SDS_BUILD_MAN is ON (the default when sdsctl is built), but help2man was not found. "
    "Install it (Debian: apt-get install help2man; scripts/install-deps.sh does), "
    "or configure with -DSDS_BUILD_MAN=OFF to build without man pages.")
endif()
set(SDS_MAN_DIR ${CMAKE_CURRENT_BINARY_DIR}/man1)
add_custom_command(
  OUTPUT ${SDS_MAN_DIR}/sdsctl.1
  COMMAND ${CMAKE_COMMAND} -DSDSCTL=$<TARGET_FILE:sdsctl> -DHELP2MAN=${SDS_HELP2MAN}
          -DVERSION=${PROJECT_VERSION} -DDOCDIR=${SDS_INSTALL_FULL_DOCDIR}
          -DOUTPUT_DIR=${SDS_MAN_DIR} -P ${PROJECT_SOURCE_DIR}/cmake/help2man.cmake
  DEPENDS sdsctl ${PROJECT_SOURCE_DIR}/cmake/help2man.cmake
  COMMENT "Generating the man pages of sdsctl with help2man"
  VERBATIM)
add_custom_target(sdsctl_man ALL DEPENDS ${SDS_MAN_DIR}/sdsctl.1)
# A directory: one page per subcommand, whichever sdsctl --help lists.
install(DIRECTORY ${SDS_MAN_DIR}/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
