#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS over a copy of its committed corpus,
# so the corpus in the repository only changes by hand, and prints one line:
#
#   RELIABILITY fuzz_<name>: executions=<n> corpus=<seeds> ... violations=<0|1>
#
#   run_fuzzer.sh FUZZER CORPUS_DIR WORK_DIR SECONDS
#
# New inputs the run found go to WORK_DIR/corpus; a crash, a leak, a timeout
# or an allocation over the limit is a violation, saved as WORK_DIR/crash-*
# (copy it into CORPUS_DIR once fixed, as a regression case).
set -uo pipefail
fuzzer=$1 corpus=$2 work=$3 seconds=$4
name=$(basename "$fuzzer")
rm -rf "$work"
mkdir -p "$work/corpus"
cp "$corpus"/* "$work/corpus/"
seeds=$(find "$work/corpus" -type f | wc -l)
# -malloc_limit_mb: no single allocation may exceed 256 MiB. From inputs of
# at most 4 KiB, nothing the engine does legitimately comes near it (a valid
# zstd frame of 4 KiB regenerates at most 128 MiB).
"$fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=20 -rss_limit_mb=2048 \
  -malloc_limit_mb=256 -print_final_stats=1 -artifact_prefix="$work/" \
  "$work/corpus" >"$work/log" 2>&1
status=$?
executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
# No final stats means the fuzzer never finished a run: that fails too.
if [ -z "$executions" ]; then status=1; fi
grown=$(find "$work/corpus" -type f | wc -l)
if [ "$status" -ne 0 ]; then
  tail -n 60 "$work/log"
  ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null
fi
violations=$(( status != 0 ))
echo "RELIABILITY $name: executions=${executions:-0} seconds=$seconds seeds=$seeds corpus_after=$grown violations=$violations"
exit "$status"
