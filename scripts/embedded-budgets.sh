#!/usr/bin/env bash
# Measures a cross build of the embedded presets and prints its budgets:
# the stripped size of the main job (examples/sync_session), which must stay
# within MAX_BYTES when given, and its peak resident memory under qemu-user
# (the emulator's own memory included, so an upper bound of the device's).
#
#   scripts/embedded-budgets.sh BUILD_DIR TRIPLE QEMU [MAX_BYTES]
#   e.g. scripts/embedded-budgets.sh build-embedded-armhf arm-linux-gnueabihf qemu-arm-static 1200000
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 BUILD_DIR TRIPLE QEMU [MAX_BYTES]" >&2
  exit 2
fi
build=$1 triple=$2 qemu=$3 max=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$triple-strip" -o "$work/sync_session" "$build/examples/sync_session"
size=$(stat -c %s "$work/sync_session")
echo "budget: $triple main job, stripped: $size bytes${max:+ (at most $max)}"

/usr/bin/time -f "%M" -o "$work/rss" "$qemu" "$work/sync_session" "lmdb:$work/session" >"$work/out"
echo "budget: $triple main job, peak RSS under $qemu: $(cat "$work/rss") KiB"
sed 's/^/  /' "$work/out"

if [ -n "$max" ] && [ "$size" -gt "$max" ]; then
  echo "budget exceeded: the stripped main job is $size bytes, more than $max" >&2
  exit 1
fi
