#!/usr/bin/env bash
# Runs sds_bench and the Node package comparison one after the other (never at
# once: they would share the cores and the disk), then prints the ratios.
#
#   scripts/bench-vs-node.sh            the default run, under two minutes here
#   SDS_BENCH_SMOKE=1 scripts/bench-vs-node.sh     tiny sizes, seconds
#
# BUILD_DIR (default: build) holds a build configured with
# -DSDS_BUILD_BENCHMARKS=ON; NODE is a Node 22 binary (default: the one
# `npm install --prefix benchmarks/node` puts in benchmarks/node/node_modules);
# OUT_DIR (default: BUILD_DIR/bench-vs-node) keeps both runs' raw figures.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
bench="$build/benchmarks/sds_bench"
node="${NODE:-$root/benchmarks/node/node_modules/node/bin/node}"
out="${OUT_DIR:-$build/bench-vs-node}"

if [ ! -x "$bench" ]; then
  echo "bench-vs-node: $bench is missing; build it with" >&2
  echo "  cmake -S $root -B $build -DCMAKE_BUILD_TYPE=Release -DSDS_BUILD_BENCHMARKS=ON && cmake --build $build -j2" >&2
  exit 2
fi
if [ ! -x "$node" ] || ! "$node" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)'; then
  echo "bench-vs-node: no Node 22 at $node (node:sqlite needs it); install one with" >&2
  echo "  npm install --prefix $root/benchmarks/node    or set NODE=/path/to/node22" >&2
  exit 2
fi

mkdir -p "$out"
echo "== sds_bench ($bench)" >&2
"$bench" --benchmark_out="$out/sds_bench.json" --benchmark_out_format=json >&2
echo "== the Node package's statements on node:sqlite ($("$node" --version))" >&2
"$node" --no-warnings "$root/benchmarks/node/node_package_bench.mjs" | tee "$out/node_package_bench.jsonl" >&2
"$node" "$root/benchmarks/node/compare_runs.mjs" "$out/sds_bench.json" "$out/node_package_bench.jsonl"
echo "raw figures: $out/sds_bench.json, $out/node_package_bench.jsonl" >&2
