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
  libcli11-dev libfmt-dev nlohmann-json3-dev >/dev/null
# Node.js with npm and its N-API headers (/usr/include/node/node_api.h), for
# the Node addon: Debian's nodejs, npm and libnode-dev, unless a Node.js that
# brings all three is installed already (NodeSource's nodejs package ships
# npm and the headers itself, and conflicts with Debian's npm).
if ! { command -v node && command -v npm && [ -f /usr/include/node/node_api.h ]; } >/dev/null; then
  $sudo apt-get install -y -qq --no-install-recommends nodejs npm libnode-dev >/dev/null
fi
# The Node addon's type check (CTest node_addon_types) runs tsc, from npm.
$sudo npm install --global --no-fund --no-audit typescript@5 >/dev/null
echo "dependencies installed"
