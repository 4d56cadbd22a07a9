#!/usr/bin/env bash
# Builds and runs every test: a Release build, an AddressSanitizer+UBSan build,
# and a project outside the tree built against the installed package. Prints
# how long each stage took. Run from anywhere; builds go to build-*/ in the repo.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
stage_start=0
start_stage() { stage_start=$(date +%s); echo "=== $1"; }
end_stage() { echo "=== $1 took $(( $(date +%s) - stage_start ))s"; }

start_stage "release build"
cmake -S "$repo" -B "$repo/build-release" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX="$repo/build-install" -DSDS_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$repo/build-release" -j"$jobs"
end_stage "release build"

start_stage "release tests"
ctest --test-dir "$repo/build-release" -j"$jobs" --output-on-failure
end_stage "release tests"

start_stage "installed package"
cmake --install "$repo/build-release" >/dev/null
cmake -S "$repo/tests/package" -B "$repo/build-package" \
  -DCMAKE_PREFIX_PATH="$repo/build-install" >/dev/null
cmake --build "$repo/build-package" -j"$jobs" >/dev/null
"$repo/build-package/package_test" "$repo/build-package"
end_stage "installed package"

start_stage "sanitizer build"
cmake -S "$repo" -B "$repo/build-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSDS_SANITIZE=address,undefined >/dev/null
cmake --build "$repo/build-asan" -j"$jobs"
end_stage "sanitizer build"

start_stage "sanitizer tests"
ctest --test-dir "$repo/build-asan" -j"$jobs" --output-on-failure
end_stage "sanitizer tests"
