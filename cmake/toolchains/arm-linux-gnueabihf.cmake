# Cross-compiling for 32-bit ARM (armhf) with Debian's arm-linux-gnueabihf
# toolchain (crossbuild-essential-armhf); tests run under qemu-arm-static.
set(SDS_CROSS_TRIPLE arm-linux-gnueabihf)
set(SDS_CROSS_PROCESSOR arm)
set(SDS_CROSS_QEMU qemu-arm-static)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
