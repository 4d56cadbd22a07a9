// The Node addon sds-persistence-native on each backend, side by side with the
// Node package (its statements over node:sqlite, node_package_store.mjs), all
// through the SDS_PersistenceProvider interface as an SDS application calls
// it. Prints a Markdown table. Needs Node 22 (node:sqlite) and the addon on
// NODE_PATH; README.md beside this file says how.
//
//   NODE_PATH=build/bindings/node node native_addon_bench.mjs [--smoke] [--dir DIR]
//       [--js-thread-budget MS]
//
// --js-thread-budget gives the addon's providers that jsThreadBudgetMs (a
// number, or Infinity; the addon's default, 0.1, without it): how long a call
// of a method may have taken for the next to run on the JS thread.
//
// Workloads (sizes as sds_bench's where it has them, bench_sizes.cpp):
// - awaited appends: 200-byte patches, each awaited before the next;
// - bursts: 1,000 appends fired without await (as the SDS sync engine fires
//   them), then all awaited; with the addon's commits per burst;
// - restore: a fresh provider on a database holding a 1 MiB snapshot and
//   2,621 patches of 200 B loads both (opening included);
// - 1 MiB blobs: 8 incompressible blobs saved under new hashes, then loaded.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const kMiB = 1024 * 1024;

let NodePackageStore, native;
try {
  ({ NodePackageStore } = await import('./node_package_store.mjs'));
  native = createRequire(import.meta.url)('sds-persistence-native');
} catch (error) {
  console.error(`native_addon_bench: ${error.message}\n(it needs Node 22 for node:sqlite, and ` +
                'NODE_PATH at the addon: see benchmarks/node/README.md)');
  process.exit(2);
}

const smoke = process.argv.includes('--smoke') ||
              !['', '0', undefined].includes(process.env.SDS_BENCH_SMOKE);
const sizes = smoke
  ? { appends: 50, bursts: 2, burst: 100, patchBytes: 200, snapshotBytes: 64 * 1024,
      restorePatches: 50, restoreRuns: 1, blobBytes: 64 * 1024, blobs: 2, blobRuns: 1 }
  : { appends: 5000, bursts: 5, burst: 1000, patchBytes: 200, snapshotBytes: kMiB,
      restorePatches: 2621, restoreRuns: 5, blobBytes: kMiB, blobs: 8, blobRuns: 3 };

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 && index + 1 < process.argv.length ? process.argv[index + 1] : fallback;
}

// The Node package behind the provider interface: async methods whose work
// is done synchronously, as the package's own are.
class NodePackageProvider {
  constructor(path, storeId) { this.store = new NodePackageStore(path, storeId); }
  async loadSnapshot() { return this.store.loadSnapshot(); }
  async saveSnapshot(data, clock = 0) { this.store.saveSnapshot(data, clock); }
  async loadPatchesSince(clock) { return this.store.loadPatchesSince(clock); }
  async appendPatch(data, clock) { this.store.appendPatch(data, clock); }
  async saveValue(hash, data) { this.store.saveValue(hash, data); }
  async loadValue(hash) { return this.store.loadValue(hash); }
  async releaseValue(hash) { this.store.releaseValue(hash); }
  async close() { this.store.close(); }
}

function addonOptions() {
  const budget = option('--js-thread-budget', undefined);
  return budget === undefined ? undefined : { jsThreadBudgetMs: Number(budget) };
}

function subjects(dir) {
  const addonUri = {
    sqlite: (name) => `sqlite:${dir}/${name}.db`,
    'sds-node': (name) => `sds-node:${dir}/${name}.node.db`,
    lmdb: (name) => `lmdb:${dir}/${name}.lmdb`,
    rocksdb: (name) => `rocksdb:${dir}/${name}.rocksdb`,
    memory: (name) => `memory:${name}`,
  };
  return [
    { name: 'Node package (node:sqlite)',
      open: (name) => new NodePackageProvider(join(dir, `package-${name}.db`), 'bench') },
    ...native.backends().filter((scheme) => scheme in addonUri).map((scheme) => ({
      name: `addon, ${scheme}:`,
      open: (name) => new native.SDS_NativePersistenceProvider(addonUri[scheme](name), 'bench',
                                                               addonOptions()),
    })),
  ];
}

const seconds = (start) => (performance.now() - start) / 1000;

async function awaitedAppends(subject) {
  const provider = subject.open('append');
  const patch = randomBytes(sizes.patchBytes);
  const start = performance.now();
  for (let clock = 1; clock <= sizes.appends; ++clock) await provider.appendPatch(patch, clock);
  const elapsed = seconds(start);
  await provider.close();
  return sizes.appends / elapsed;
}

async function bursts(subject) {
  const provider = subject.open('burst');
  const patch = randomBytes(sizes.patchBytes);
  const before = provider.queueStats?.().appendCommits;
  let clock = 0;
  const start = performance.now();
  for (let burst = 0; burst < sizes.bursts; ++burst) {
    const calls = [];
    for (let i = 0; i < sizes.burst; ++i) calls.push(provider.appendPatch(patch, ++clock));
    await Promise.all(calls);
  }
  const elapsed = seconds(start);
  const commits = before === undefined ? undefined
                                       : (provider.queueStats().appendCommits - before) / sizes.bursts;
  await provider.close();
  return { rate: clock / elapsed, commits };
}

async function restore(subject) {
  const writer = subject.open('restore');
  await writer.saveSnapshot(randomBytes(sizes.snapshotBytes), 1);
  const patch = randomBytes(sizes.patchBytes);
  const appends = [];
  for (let clock = 2; clock <= 1 + sizes.restorePatches; ++clock) {
    appends.push(writer.appendPatch(patch, clock));
  }
  await Promise.all(appends);
  await writer.close();
  let elapsed = 0;
  for (let run = 0; run < sizes.restoreRuns; ++run) {
    const start = performance.now();
    const provider = subject.open('restore');
    const snapshot = await provider.loadSnapshot();
    const patches = await provider.loadPatchesSince(1);
    elapsed += seconds(start);
    if (snapshot?.length !== sizes.snapshotBytes || patches.length !== sizes.restorePatches) {
      throw new Error(`${subject.name}: restored the wrong data`);
    }
    await provider.close();
  }
  return (elapsed / sizes.restoreRuns) * 1e3;
}

async function blobs(subject) {
  const provider = subject.open('blobs');
  const data = Array.from({ length: sizes.blobs }, () => randomBytes(sizes.blobBytes));
  const hashes = (run) => data.map((_, i) => `blob-${run}-${i}`);
  let saving = 0;
  for (let run = 1; run <= sizes.blobRuns; ++run) {
    const start = performance.now();
    for (const [i, hash] of hashes(run).entries()) await provider.saveValue(hash, data[i]);
    saving += seconds(start);
    for (const hash of hashes(run)) await provider.releaseValue(hash); // untimed
  }
  for (const [i, hash] of hashes(0).entries()) await provider.saveValue(hash, data[i]);
  let loading = 0;
  for (let run = 1; run <= sizes.blobRuns; ++run) {
    const start = performance.now();
    for (const hash of hashes(0)) {
      if ((await provider.loadValue(hash))?.length !== sizes.blobBytes) {
        throw new Error(`${subject.name}: blob ${hash} lost`);
      }
    }
    loading += seconds(start);
  }
  await provider.close();
  const bytes = sizes.blobs * sizes.blobBytes * sizes.blobRuns / 1e6;
  return { save: bytes / saving, load: bytes / loading };
}

const round = (value) => (value >= 100 ? Math.round(value).toLocaleString('en') : value.toFixed(1));

async function main() {
  const dir = mkdtempSync(join(option('--dir', tmpdir()), 'sds-addon-bench-'));
  try {
    const rows = [];
    for (const subject of subjects(dir)) {
      const appended = await awaitedAppends(subject);
      const burst = await bursts(subject);
      const restored = await restore(subject);
      const blob = await blobs(subject);
      rows.push(`| ${subject.name} | ${round(appended)} | ${round(burst.rate)} | ` +
                `${burst.commits === undefined ? '-' : round(burst.commits)} | ${round(restored)} | ` +
                `${round(blob.save)} | ${round(blob.load)} |`);
    }
    const budget = addonOptions()?.jsThreadBudgetMs;
    console.log(`Node ${process.version}, engine ${native.version}${smoke ? ', smoke sizes' : ''}` +
                `${budget === undefined ? '' : `, jsThreadBudgetMs ${budget}`}\n`);
    console.log('| subject | awaited appends/s | burst appends/s | commits per burst of ' +
                `${sizes.burst} | restore ms | 1 MiB blobs save MB/s | 1 MiB blobs load MB/s |`);
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const row of rows) console.log(row);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
