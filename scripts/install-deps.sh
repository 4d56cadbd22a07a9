#!/usr/bin/env bash
# Installs what building and testing sds-persistence needs, from Debian 12's
# packages. Run as root, or as a user who may sudo.
set -euo pipefail
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends \
  build-essential cmake pkg-config help2man \
  libsqlite3-dev liblmdb-dev librocksdb-dev libzstd-dev libxxhash-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  libcli11-dev libfmt-dev nlohmann-json3-dev npm >/dev/null
# Node.js 22 for the sds-node: interop tests (node:sqlite; Debian 12's Node is
# 18), from the npm registry, where CMake's SDS_NODE22 looks by default.
repo=$(cd "$(dirname "$0")/.." && pwd)
npm install --prefix "$repo/build-deps/node22" --no-audit --no-fund node@22 >/dev/null
"$repo/build-deps/node22/node_modules/node/bin/node" -e "require('node:sqlite')"
echo "dependencies installed (Node $("$repo/build-deps/node22/node_modules/node/bin/node" --version) for the interop tests)"
