#!/usr/bin/env bash
# Formats the project's C and C++ sources with clang-format (.clang-format).
# Only those: clang-format treats any other file as C++ and mangles it (it once
# turned a CMake path into `${CMAKE_CURRENT_SOURCE_DIR} / file.cpp`).
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files -z '*.c' '*.h' '*.cpp' '*.hpp' | xargs -0 clang-format -i
