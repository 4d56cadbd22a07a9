// The workloads of sds_bench, run through the Node package's own SQL statements
// (@rozek/sds-persistence-node) over node:sqlite: WAL, synchronous = NORMAL, one
// statement per call, no explicit transactions. Prints one JSON line per
// workload. Needs Node 22 (node:sqlite); README.md says how to get it.
//
//   node node_package_bench.mjs [--smoke] [--trace FILE] [--dir DIR]
//
// --smoke (or SDS_BENCH_SMOKE=1) runs tiny sizes; --trace replays another
// trace; --dir makes the databases there (default: the system's temp dir).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const kMiB = 1024 * 1024;

let DatabaseSync, NodePackageStore;
try {
  ({ DatabaseSync } = await import('node:sqlite'));
  ({ NodePackageStore } = await import('./node_package_store.mjs'));
} catch {
  console.error(`node_package_bench: Node ${process.version} has no node:sqlite; run it with ` +
                'Node 22 (see benchmarks/node/README.md)');
  process.exit(2);
}

// The sizes of sds_bench (bench_sizes.cpp), so that both sides do the same.
const smoke = process.argv.includes('--smoke') ||
              !['', '0', undefined].includes(process.env.SDS_BENCH_SMOKE);
const sizes = smoke ? {
  appendRuns: 1, appendsPerRun: 50, patchBytes: 200,
  restore: { snapshotBytes: 64 * 1024, patches: 50 }, coldRestoreRuns: 1,
  blobBytes: 64 * 1024, blobsPerRun: 2, blobRuns: 1, traceRecords: 100,
} : {
  appendRuns: 5, appendsPerRun: 5000, patchBytes: 200,
  restore: { snapshotBytes: kMiB, patches: 2621 }, coldRestoreRuns: 10,
  blobBytes: kMiB, blobsPerRun: 8, blobRuns: 5, traceRecords: 0,
};

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 && index + 1 < process.argv.length ? process.argv[index + 1] : fallback;
}

function seconds(start) { return (performance.now() - start) / 1000; }

function report(record) { console.log(JSON.stringify(record)); }

function rates(workload, ops, bytes, elapsed, extra = {}) {
  report({ workload, ops, seconds: elapsed, ops_per_s: ops / elapsed,
           MB_per_s: bytes / 1e6 / elapsed, ...extra });
}

function appendPerCall(dir) {
  const store = new NodePackageStore(join(dir, 'append.db'), 'bench');
  const patch = randomBytes(sizes.patchBytes);
  let clock = 0;
  let elapsed = 0;
  for (let run = 0; run < sizes.appendRuns; ++run) {
    const start = performance.now();
    for (let i = 0; i < sizes.appendsPerRun; ++i) store.appendPatch(patch, ++clock);
    elapsed += seconds(start);
  }
  store.close();
  rates('append_per_call', clock, clock * sizes.patchBytes, elapsed);
}

// Restoring in a fresh process: this script again, with --restore-child.
function restoreColdProcess(dir) {
  const path = join(dir, 'restore.db');
  const store = new NodePackageStore(path, 'bench');
  store.saveSnapshot(randomBytes(sizes.restore.snapshotBytes), 1);
  const patch = randomBytes(sizes.patchBytes);
  for (let clock = 2; clock <= 1 + sizes.restore.patches; ++clock) store.appendPatch(patch, clock);
  store.close();
  let elapsed = 0;
  for (let run = 0; run < sizes.coldRestoreRuns; ++run) {
    const child = spawnSync(process.execPath,
                            ['--no-warnings', fileURLToPath(import.meta.url), '--restore-child', path],
                            { encoding: 'utf8' });
    if (child.status !== 0) {
      throw new Error(`the restore child failed (${child.status}): ${child.stderr}`);
    }
    elapsed += JSON.parse(child.stdout).seconds;
  }
  report({ workload: 'restore_cold_process', runs: sizes.coldRestoreRuns,
           ms: (elapsed / sizes.coldRestoreRuns) * 1e3 });
}

function restoreChild(path) {
  const start = performance.now();
  const store = new NodePackageStore(path, 'bench');
  const snapshot = store.loadSnapshot();
  const patches = store.loadPatchesSince(1);
  const elapsed = seconds(start);
  if (snapshot === undefined || patches.length === 0) throw new Error('nothing restored');
  console.log(JSON.stringify({ seconds: elapsed }));
}

function blobs(dir) {
  const store = new NodePackageStore(join(dir, 'blobs.db'), 'bench');
  const data = Array.from({ length: sizes.blobsPerRun }, () => randomBytes(sizes.blobBytes));
  const hashes = (run) => data.map((_, i) => `blob-${run}-${i}`);
  const bytes = sizes.blobsPerRun * sizes.blobBytes * sizes.blobRuns;
  let saving = 0;
  for (let run = 1; run <= sizes.blobRuns; ++run) {
    const start = performance.now();
    hashes(run).forEach((hash, i) => store.saveValue(hash, data[i]));
    saving += seconds(start);
    hashes(run).forEach((hash) => store.releaseValue(hash));  // as sds_bench, untimed
  }
  hashes(0).forEach((hash, i) => store.saveValue(hash, data[i]));
  let loading = 0;
  for (let run = 1; run <= sizes.blobRuns; ++run) {
    const start = performance.now();
    for (const hash of hashes(0)) {
      if (store.loadValue(hash)?.length !== sizes.blobBytes) throw new Error(`blob ${hash} lost`);
    }
    loading += seconds(start);
  }
  store.close();
  const size = sizes.blobBytes === kMiB ? '1MiB' : `${sizes.blobBytes / 1024}KiB`;
  const ops = sizes.blobsPerRun * sizes.blobRuns;
  rates(`blob_save_${size}_random`, ops, bytes, saving);
  rates(`blob_load_${size}_random`, ops, bytes, loading);
}

// The trace format: data/README.md beside the workloads.
function readTrace(path) {
  let buffer;
  try {
    buffer = readFileSync(path);
  } catch (error) {
    throw new Error(`cannot open trace '${path}': ${error.message} (pass --trace FILE)`);
  }
  if (buffer.subarray(0, 8).toString('latin1') !== 'SDSTRACE' || buffer.readUInt32LE(8) !== 1) {
    throw new Error(`'${path}' is not an SDS trace of version 1`);
  }
  const records = [];
  let offset = 12;
  while (offset < buffer.length) {
    const op = String.fromCharCode(buffer[offset]);
    const clock = Number(buffer.readBigUInt64LE(offset + 1));
    const keyLength = buffer.readUInt32LE(offset + 9);
    const key = buffer.subarray(offset + 13, offset + 13 + keyLength).toString('latin1');
    offset += 13 + keyLength;
    const dataLength = buffer.readUInt32LE(offset);
    const data = buffer.subarray(offset + 4, offset + 4 + dataLength);
    if (data.length !== dataLength) throw new Error(`trace '${path}' is truncated`);
    offset += 4 + dataLength;
    records.push({ op, clock, key, data });
  }
  return sizes.traceRecords ? records.slice(0, sizes.traceRecords) : records;
}

function replay(store, { op, clock, key, data }) {
  switch (op) {
    case 'P': return store.appendPatch(data, clock);
    case 'S': return store.saveSnapshot(data, clock);
    case 'R': return store.prunePatches(clock);
    case 'V': return store.saveValue(key, data);
    case 'X': return store.releaseValue(key);
    default: throw new Error(`unknown trace operation '${op}'`);
  }
}

// Replays, closes, then restores as an offline SDS app: snapshot, then every
// patch from clock 0.
function trace(dir, path) {
  const records = readTrace(path);
  const dbPath = join(dir, 'trace.db');
  let store = new NodePackageStore(dbPath, 'session');
  let start = performance.now();
  for (const record of records) replay(store, record);
  const replaySeconds = seconds(start);
  store.close();
  start = performance.now();
  store = new NodePackageStore(dbPath, 'session');
  const snapshot = store.loadSnapshot();
  const patches = store.loadPatchesSince(0);
  const restoreSeconds = seconds(start);
  store.close();
  const bytes = records.reduce((sum, record) => sum + record.data.length, 0);
  const restored = (snapshot?.length ?? 0) + patches.reduce((sum, p) => sum + p.length, 0);
  rates('trace_session_10k_replay_then_restore', records.length, bytes, replaySeconds,
        { restore_ms: restoreSeconds * 1e3, restore_MB: restored / 1e6 });
}

function main() {
  const child = option('--restore-child');
  if (child) return restoreChild(child);
  const tracePath = option('--trace', join(here, '..', 'workloads', 'data', 'sds-session-10k.trace'));
  const dir = mkdtempSync(join(option('--dir', tmpdir()), 'sds-node-bench-'));
  try {
    const probe = new DatabaseSync(':memory:');
    report({ node: process.version, sqlite: probe.prepare('SELECT sqlite_version() AS v').get().v,
             smoke });
    probe.close();
    appendPerCall(dir);
    restoreColdProcess(dir);
    blobs(dir);
    trace(dir, tracePath);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  console.error(`node_package_bench: ${error.message}`);
  process.exit(1);
}
