#!/usr/bin/env bash
# Builds and runs every test: a Release build, the installed package (a
# project outside the tree built against it with find_package and pkg-config,
# with a backend of its own under the installed conformance suite), and an
# AddressSanitizer+UBSan build. Prints how long each stage took. Run from
# anywhere; builds go to build-*/ in the repo.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
stage_start=0
start_stage() { stage_start=$(date +%s); echo "=== $1"; }
end_stage() { echo "=== $1 took $(( $(date +%s) - stage_start ))s"; }

start_stage "release build"
cmake -S "$repo" -B "$repo/build-release" -DCMAKE_BUILD_TYPE=Release -DSDS_BUILD_BENCHMARKS=ON \
  -DSDS_NODE_INTEROP_TESTS=ON >/dev/null
cmake --build "$repo/build-release" -j"$jobs"
end_stage "release build"

start_stage "release tests"
ctest --test-dir "$repo/build-release" -j"$jobs" --output-on-failure -E '^installed_package$'
end_stage "release tests"

# The CTest test `installed_package` (scripts/check-installed-package.sh):
# installs into build-release/installed-package-check/prefix, checks the files,
# builds the README's example with pkg-config, and builds and tests
# tests/package (find_package, an out-of-tree backend under the installed
# conformance suite). Fails this script when it fails, or is missing.
start_stage "installed package"
ctest --test-dir "$repo/build-release" --no-tests=error -V -R '^installed_package$'
end_stage "installed package"

start_stage "sanitizer build"
cmake -S "$repo" -B "$repo/build-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSDS_SANITIZE=address,undefined -DSDS_NODE_INTEROP_TESTS=ON >/dev/null
cmake --build "$repo/build-asan" -j"$jobs"
end_stage "sanitizer build"

start_stage "sanitizer tests"
ctest --test-dir "$repo/build-asan" -j"$jobs" --output-on-failure
end_stage "sanitizer tests"
