#!/usr/bin/env bash
# Builds and runs every test: a Release build, the installed package (a
# project outside the tree built against it with find_package and pkg-config,
# with a backend of its own under the installed conformance suite), an
# AddressSanitizer+UBSan build (with the reliability suites), the concurrency
# suite under ThreadSanitizer, the libFuzzer targets (clang, 15 s each), and
# the armhf and arm64 embedded builds under qemu-user. Prints how long each
# stage took. Run from anywhere; builds go to build-*/ in the repo.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
stage_start=0
start_stage() { stage_start=$(date +%s); echo "=== $1"; }
end_stage() { echo "=== $1 took $(( $(date +%s) - stage_start ))s"; }

start_stage "release build"
# SDS_BUILD_NODE=ON: configuring fails when the N-API headers are missing,
# instead of leaving the Node addon and its tests out; SDS_WITH_POSTGRES=ON
# likewise for libpq (the tests start their own PostgreSQL servers).
cmake -S "$repo" -B "$repo/build-release" -DCMAKE_BUILD_TYPE=Release -DSDS_BUILD_BENCHMARKS=ON \
  -DSDS_BUILD_NODE=ON -DSDS_WITH_POSTGRES=ON \
  -DSDS_NODE_INTEROP_TESTS=ON >/dev/null
cmake --build "$repo/build-release" -j"$jobs"
end_stage "release build"

start_stage "release tests"
# The reliability suites (label `reliability`) run once, in the sanitizer build.
ctest --test-dir "$repo/build-release" -j"$jobs" --output-on-failure -E '^installed_package$' \
  -LE reliability
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
# The Node addon's tests run here too, node preloading the sanitizers.
cmake -S "$repo" -B "$repo/build-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSDS_SANITIZE=address,undefined -DSDS_BUILD_NODE=ON -DSDS_NODE_INTEROP_TESTS=ON \
  -DSDS_WITH_POSTGRES=ON >/dev/null
cmake --build "$repo/build-asan" -j"$jobs"
end_stage "sanitizer build"

start_stage "sanitizer tests"
ctest --test-dir "$repo/build-asan" -j"$jobs" --output-on-failure
# What each reliability suite did (its RELIABILITY line), from the tests' log.
grep -ah '^RELIABILITY ' "$repo/build-asan/Testing/Temporary/LastTest.log" | sort -u
end_stage "sanitizer tests"

# ThreadSanitizer, for the concurrency suite only (docs/DESIGN.md section
# 11.8): its target and what it links, no more, and 5 s per backend in place of
# 20. Any report fails the test (halt_on_error; CTest sets TSAN_OPTIONS).
start_stage "thread sanitizer"
cmake -S "$repo" -B "$repo/build-tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSDS_SANITIZE=thread -DSDS_BUILD_NODE=OFF -DSDS_WITH_POSTGRES=OFF >/dev/null
cmake --build "$repo/build-tsan" -j"$jobs" --target sds_concurrency_tests
SDS_CONCURRENCY_SECONDS=5 ctest --test-dir "$repo/build-tsan" --no-tests=error --output-on-failure \
  -L reliability -R Concurrency
end_stage "thread sanitizer"

# The libFuzzer targets of tests/fuzz, built with clang in a build dir of
# their own with only what they need (the memory backend, no tests or tools),
# each run 15 s over a copy of its committed corpus (CTest label `fuzz`).
start_stage "fuzzers"
CC=clang CXX=clang++ cmake -S "$repo" -B "$repo/build-fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSDS_BUILD_FUZZERS=ON -DSDS_WITH_SQLITE=OFF -DSDS_WITH_LMDB=OFF -DSDS_WITH_ROCKSDB=OFF -DSDS_WITH_POSTGRES=OFF \
  -DSDS_BUILD_TESTS=OFF -DSDS_BUILD_TOOLS=OFF -DSDS_BUILD_EXAMPLES=OFF -DSDS_BUILD_NODE=OFF >/dev/null
cmake --build "$repo/build-fuzz" -j"$jobs" --target sds_fuzzers
# -V shows each run's RELIABILITY line (the fuzzer's own log stays in
# build-fuzz/tests/fuzz/runs/<fuzzer>/log, and is shown when it fails).
ctest --test-dir "$repo/build-fuzz" -j"$jobs" --no-tests=error -V -L fuzz
end_stage "fuzzers"

# The embedded presets, cross-built for 32-bit ARM and arm64 (needs
# `scripts/install-deps.sh --cross`): the conformance suite, the LMDB tests
# and the heap budget run under qemu-user (the reliability suites, run in the
# sanitizer build, are left out: CMakePresets.json); then the main job's size and memory.
for cross in armhf:arm-linux-gnueabihf:qemu-arm-static:1200000 \
             arm64:aarch64-linux-gnu:qemu-aarch64-static:; do
  IFS=: read -r arch triple qemu max_bytes <<<"$cross"
  start_stage "embedded-$arch build"
  (cd "$repo" && cmake --preset "embedded-$arch" >/dev/null && cmake --build --preset "embedded-$arch")
  end_stage "embedded-$arch build"
  start_stage "embedded-$arch tests under $qemu"
  (cd "$repo" && ctest --preset "embedded-$arch")
  "$repo/scripts/embedded-budgets.sh" "$repo/build-embedded-$arch" "$triple" "$qemu" $max_bytes
  end_stage "embedded-$arch tests under $qemu"
done
