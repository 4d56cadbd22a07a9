# Cross-compiling for arm64 with Debian's aarch64-linux-gnu toolchain
# (crossbuild-essential-arm64); tests run under qemu-aarch64-static.
set(SDS_CROSS_TRIPLE aarch64-linux-gnu)
set(SDS_CROSS_PROCESSOR aarch64)
set(SDS_CROSS_QEMU qemu-aarch64-static)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
