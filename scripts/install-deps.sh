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
echo "dependencies installed"
