#!/usr/bin/env bash
# Installs what building and testing sds-persistence needs, from Debian 12's
# packages. Run as root, or as a user who may sudo.
#
#   scripts/install-deps.sh           the native build, its tests and tools
#   scripts/install-deps.sh --cross   also the armhf and arm64 cross builds
#                                     (presets embedded-armhf, embedded-arm64):
#                                     Debian's cross toolchains, the target's
#                                     -dev packages, qemu-user-static to run
#                                     their tests
set -euo pipefail
cross=0
for arg in "$@"; do
  case "$arg" in
    --cross) cross=1 ;;
    *) echo "install-deps.sh: unknown option '$arg' (known: --cross)" >&2; exit 2 ;;
  esac
done
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
if [ "$cross" = 1 ]; then
  $sudo dpkg --add-architecture armhf
  $sudo dpkg --add-architecture arm64
fi
# An index that fails to download (a mirror caught mid-sync, which has been
# seen for the armhf security index) fails `apt-get update` as a whole: try
# again, then go on with the indexes that did download. A package that is
# really missing then fails the install below, loudly.
updated=0
for attempt in 1 2 3; do
  if $sudo apt-get update -qq; then updated=1; break; fi
  echo "install-deps.sh: apt-get update failed (attempt $attempt of 3)" >&2
  sleep 10
done
if [ "$updated" = 0 ]; then
  echo "install-deps.sh: going on with the package indexes apt-get could download" >&2
fi
$sudo apt-get install -y -qq --no-install-recommends \
  build-essential cmake pkg-config help2man \
  libsqlite3-dev liblmdb-dev librocksdb-dev libzstd-dev libxxhash-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  libcli11-dev libfmt-dev nlohmann-json3-dev \
  libpq-dev postgresql-15 >/dev/null
# postgresql-15 brings the server the postgres:// tests start on loopback ports
# (scripts/postgres-clusters.sh); its own cluster is not needed.
# clang and its libFuzzer runtime, for the fuzzers of tests/fuzz (the build-fuzz
# stage of scripts/test-all.sh).
$sudo apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null
# Node.js with npm and its N-API headers (/usr/include/node/node_api.h), for
# the Node addon: Debian's nodejs, npm and libnode-dev, unless a Node.js that
# brings all three is installed already (NodeSource's nodejs package ships
# npm and the headers itself, and conflicts with Debian's npm).
if ! { command -v node && command -v npm && [ -f /usr/include/node/node_api.h ]; } >/dev/null; then
  $sudo apt-get install -y -qq --no-install-recommends nodejs npm libnode-dev >/dev/null
fi
# The Node addon's type check (CTest node_addon_types) runs tsc, from npm.
$sudo npm install --global --no-fund --no-audit typescript@5 >/dev/null
# Node.js 22 for the sds-node: interop tests (node:sqlite; Debian 12's Node is
# 18), from the npm registry, where CMake's SDS_NODE22 looks by default.
repo=$(cd "$(dirname "$0")/.." && pwd)
npm install --prefix "$repo/build-deps/node22" --no-audit --no-fund node@22 >/dev/null
"$repo/build-deps/node22/node_modules/node/bin/node" -e "require('node:sqlite')"
if [ "$cross" = 1 ]; then
  packages=(crossbuild-essential-armhf crossbuild-essential-arm64 qemu-user-static time)
  for arch in armhf arm64; do
    packages+=("liblmdb-dev:$arch" "libzstd-dev:$arch" "libxxhash-dev:$arch" "libgtest-dev:$arch")
  done
  $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
echo "dependencies installed (Node $("$repo/build-deps/node22/node_modules/node/bin/node" --version) for the interop tests)"
