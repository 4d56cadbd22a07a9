# Cross-compiling for aarch64-linux-gnu with Debian's cross toolchain
# (crossbuild-essential-arm64) and the foreign-architecture -dev packages that
# `scripts/install-deps.sh --cross` installs. Test programs run under
# qemu-aarch64-static (CMake's CROSSCOMPILING_EMULATOR, used by CTest and by
# gtest_discover_tests).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static -L /usr/aarch64-linux-gnu)
# Debian's multiarch layout: the target's libraries and CMake packages are in
# /usr/lib/<triple>, its headers in /usr/include (and /usr/include/<triple>);
# the host's libraries stay out of every search.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_IGNORE_PATH /usr/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/cmake)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# pkg-config: the target's .pc files, not the host's.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
