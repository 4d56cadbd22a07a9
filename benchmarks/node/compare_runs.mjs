// Prints the ratios of one side-by-side run: sds_bench's JSON (Google
// Benchmark's --benchmark_out) and node_package_bench.mjs's JSON lines.
//
//   node compare_runs.mjs SDS_BENCH.json NODE.jsonl
//
// Every ratio is ours / theirs. For rates (ops/s, MB/s) higher is better; for
// times (ms) lower is better. A figure missing from either run shows as "-".
import { readFileSync } from 'node:fs';

const [sdsPath, nodePath] = process.argv.slice(2);
if (!sdsPath || !nodePath) {
  console.error('usage: node compare_runs.mjs SDS_BENCH.json NODE.jsonl');
  process.exit(2);
}
const sdsRun = JSON.parse(readFileSync(sdsPath, 'utf8'));
const sds = sdsRun.benchmarks.filter((run) => !run.error_occurred);
const node = readFileSync(nodePath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

// Both sides share the machine with whatever else runs: say how busy it was.
const { date, num_cpus: cpus, load_avg: load = [] } = sdsRun.context;
const versions = node.find((record) => record.node) ?? {};
console.log(`sds_bench ${date} on ${cpus} CPUs, load average ${load.map((l) => l.toFixed(2)).join(' ')}; ` +
            `Node ${versions.node}, SQLite ${versions.sqlite} (node:sqlite)`);

// A figure of sds_bench: the benchmark WORKLOAD/SCHEME/PARAMS whose workload
// matches the regular expression `workload`; `figure` is a counter, or 'ms'
// for the time per run.
function ours(workload, scheme, params, figure) {
  const run = sds.find((candidate) => {
    const [name, runScheme, runParams] = candidate.name.split('/');
    return workload.test(name) && runScheme === scheme && runParams === params;
  });
  if (!run) return undefined;
  if (figure !== 'ms') return run[figure];
  const toMs = { ns: 1e-6, us: 1e-3, ms: 1, s: 1e3 }[run.time_unit];
  return run.real_time * toMs;
}

function theirs(workload, figure) {
  return node.find((record) => workload.test(record.workload ?? ''))?.[figure];
}

const units = { 'ops/s': 'ops/s', 'MB/s': 'MB/s', ms: 'ms', ops_per_s: 'ops/s', MB_per_s: 'MB/s',
                restore_ms: 'ms' };
const format = (value, unit) => value === undefined ? '-' :
  `${value.toLocaleString('en-US', { maximumSignificantDigits: 4 })} ${units[unit]}`;

const rows = [];
function row(label, mine, mineUnit, reference, referenceUnit) {
  const value = mine / reference;
  const digits = value >= 0.1 ? value.toFixed(2) : value.toPrecision(2);  // 0.0041x, not 0.00x
  const ratio = mine !== undefined && reference ? `${digits}x` : '-';
  const better = ['ms', 'restore_ms'].includes(mineUnit) ? 'lower is better' : 'higher is better';
  rows.push([label, format(mine, mineUnit), format(reference, referenceUnit), ratio, better]);
}
function section(title) { rows.push([title]); }

const engines = ['sqlite', 'lmdb', 'rocksdb', 'memory'];
const persistent = ['sqlite', 'lmdb', 'rocksdb'];
const raws = { sqlite: ['raw-sqlite', 'raw-sqlite-rowid'], lmdb: ['raw-lmdb'],
               rocksdb: ['raw-rocksdb'] };

section('ours / the Node package (node:sqlite, WAL, synchronous=NORMAL)');
for (const scheme of engines) {
  row(`append per call, sync=normal: ${scheme}`,
      ours(/^append_per_call$/, scheme, 'sync=normal', 'ops/s'), 'ops/s',
      theirs(/^append_per_call$/, 'ops_per_s'), 'ops_per_s');
}
for (const scheme of engines) {
  row(`append batched (100 per WriteBatch) vs their per call: ${scheme}`,
      ours(/^append_batched_/, scheme, 'sync=normal', 'ops/s'), 'ops/s',
      theirs(/^append_per_call$/, 'ops_per_s'), 'ops_per_s');
}
for (const scheme of persistent) {
  row(`restore in a fresh process: ${scheme}`,
      ours(/^restore_cold_process_/, scheme, 'sync=normal', 'ms'), 'ms',
      theirs(/^restore_cold_process$/, 'ms'), 'ms');
}
for (const operation of ['save', 'load']) {
  for (const scheme of engines) {
    row(`blob ${operation} incompressible: ${scheme}`,
        ours(new RegExp(`^blob_${operation}_.*_random$`), scheme, 'sync=normal', 'MB/s'), 'MB/s',
        theirs(new RegExp(`^blob_${operation}_.*_random$`), 'MB_per_s'), 'MB_per_s');
  }
}
for (const scheme of engines) {
  // LMDB replays at sync=off (benchmarks/README.md): its replay rate is not comparable.
  const params = scheme === 'lmdb' ? 'sync=off' : 'sync=normal';
  if (scheme !== 'lmdb') {
    row(`trace replay: ${scheme}`, ours(/^trace_session/, scheme, params, 'ops/s'), 'ops/s',
        theirs(/^trace_session/, 'ops_per_s'), 'ops_per_s');
  }
  row(`trace restore (snapshot + whole log): ${scheme}`,
      ours(/^trace_session/, scheme, params, 'restore_ms'), 'restore_ms',
      theirs(/^trace_session/, 'restore_ms'), 'restore_ms');
}

section('ours: 8 threads / 1 thread');
for (const scheme of engines) {
  row(`append, sync=normal: ${scheme}`, ours(/^append_8_threads$/, scheme, 'sync=normal', 'ops/s'),
      'ops/s', ours(/^append_per_call$/, scheme, 'sync=normal', 'ops/s'), 'ops/s');
}
for (const scheme of persistent) {
  row(`durable append, sync=full: ${scheme}`,
      ours(/^durable_append_8_threads$/, scheme, 'sync=full', 'ops/s'), 'ops/s',
      ours(/^durable_append_1_thread$/, scheme, 'sync=full', 'ops/s'), 'ops/s');
}

section('ours: 100 per WriteBatch / one call each');
for (const scheme of engines) {
  row(`append, sync=normal: ${scheme}`, ours(/^append_batched_/, scheme, 'sync=normal', 'ops/s'),
      'ops/s', ours(/^append_per_call$/, scheme, 'sync=normal', 'ops/s'), 'ops/s');
}
for (const scheme of persistent) {
  row(`durable append, sync=full: ${scheme}`,
      ours(/^durable_append_batched_/, scheme, 'sync=full', 'ops/s'), 'ops/s',
      ours(/^durable_append_1_thread$/, scheme, 'sync=full', 'ops/s'), 'ops/s');
}

section('core overhead: ours / the raw library (same semantics and sync mode)');
for (const [scheme, rawSchemes] of Object.entries(raws)) {
  for (const raw of rawSchemes) {
    const pair = `${scheme} / ${raw}`;
    row(`append per call: ${pair}`, ours(/^append_per_call$/, scheme, 'sync=normal', 'ops/s'),
        'ops/s', ours(/^append_per_call$/, raw, 'sync=normal', 'ops/s'), 'ops/s');
    row(`append batched (100 per transaction): ${pair}`,
        ours(/^append_batched_/, scheme, 'sync=normal', 'ops/s'), 'ops/s',
        ours(/^append_batched_/, raw, 'sync=normal', 'ops/s'), 'ops/s');
    row(`durable append batched, sync=full: ${pair}`,
        ours(/^durable_append_batched_/, scheme, 'sync=full', 'ops/s'), 'ops/s',
        ours(/^durable_append_batched_/, raw, 'sync=full', 'ops/s'), 'ops/s');
    row(`restore in a fresh process: ${pair}`,
        ours(/^restore_cold_process_/, scheme, 'sync=normal', 'ms'), 'ms',
        ours(/^restore_cold_process_/, raw, 'sync=normal', 'ms'), 'ms');
    row(`restore warm: ${pair}`, ours(/^restore_warm_/, scheme, 'sync=normal', 'ms'), 'ms',
        ours(/^restore_warm_/, raw, 'sync=normal', 'ms'), 'ms');
    for (const operation of ['save', 'load']) {
      row(`blob ${operation} incompressible: ${pair}`,
          ours(new RegExp(`^blob_${operation}_.*_random$`), scheme, 'sync=normal', 'MB/s'), 'MB/s',
          ours(new RegExp(`^blob_${operation}_.*_random$`), raw, 'sync=normal', 'MB/s'), 'MB/s');
    }
  }
}

const widths = [0, 1, 2, 3].map((column) =>
  Math.max(...rows.filter((r) => r.length > 1).map((r) => r[column].length)));
for (const r of rows) {
  if (r.length === 1) {
    console.log(`\n${r[0]}`);
    continue;
  }
  console.log(`  ${r[0].padEnd(widths[0])}  ${r[1].padStart(widths[1])}  ` +
              `${r[2].padStart(widths[2])}  ${r[3].padStart(widths[3])}  (${r[4]})`);
}
