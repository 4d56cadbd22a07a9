# What the cross toolchain files share: Debian's cross toolchain for
# SDS_CROSS_TRIPLE (crossbuild-essential-<arch>) and the foreign-architecture
# -dev packages that `scripts/install-deps.sh --cross` installs. Test programs
# run under SDS_CROSS_QEMU (CMake's CROSSCOMPILING_EMULATOR, used by CTest and
# by gtest_discover_tests). The including file sets SDS_CROSS_TRIPLE,
# SDS_CROSS_PROCESSOR and SDS_CROSS_QEMU first.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${SDS_CROSS_PROCESSOR})
set(CMAKE_C_COMPILER ${SDS_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${SDS_CROSS_TRIPLE}-g++)
set(CMAKE_CROSSCOMPILING_EMULATOR ${SDS_CROSS_QEMU} -L /usr/${SDS_CROSS_TRIPLE})
# Debian's multiarch layout: the target's libraries and CMake packages are in
# /usr/lib/<triple>, its headers in /usr/include (and /usr/include/<triple>);
# the host's libraries stay out of every search.
set(CMAKE_LIBRARY_ARCHITECTURE ${SDS_CROSS_TRIPLE})
set(CMAKE_IGNORE_PATH /usr/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/cmake)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# pkg-config: the target's .pc files, not the host's.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${SDS_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
