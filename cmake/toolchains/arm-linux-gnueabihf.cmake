# Cross-compiling for arm-linux-gnueabihf with Debian's cross toolchain
# (crossbuild-essential-armhf) and the foreign-architecture -dev packages that
# `scripts/install-deps.sh --cross` installs. Test programs run under
# qemu-arm-static (CMake's CROSSCOMPILING_EMULATOR, used by CTest and by
# gtest_discover_tests).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm-static -L /usr/arm-linux-gnueabihf)
# Debian's multiarch layout: the target's libraries and CMake packages are in
# /usr/lib/<triple>, its headers in /usr/include (and /usr/include/<triple>);
# the host's libraries stay out of every search.
set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabihf)
set(CMAKE_IGNORE_PATH /usr/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/cmake)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# pkg-config: the target's .pc files, not the host's.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/arm-linux-gnueabihf/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
