// The Node side of the sds-node: interop tests (tests/node_interop_test.cpp):
// node:sqlite with exactly the pragmas, schema and statements of the npm
// package @rozek/sds-persistence-node, each statement on its own.
//
//   node sds_node_peer.mjs write DB      stores, patches and blobs the C++ side must read
//   node sds_node_peer.mjs check DB      reads back what the C++ side wrote; exit 1 on a mismatch
//   node sds_node_peer.mjs append DB STORE FIRST COUNT STEP [BUSY_TIMEOUT_MS]
//        appends COUNT patches at FIRST, FIRST+STEP, ...; a "database is locked"
//        error is counted and the append retried a millisecond later; prints
//        {"appends":N,"locked":failed calls,"appendsLocked":appends that failed at least once}
//
// Patch and blob contents follow pattern(), which the C++ side computes too.
import { DatabaseSync } from 'node:sqlite';

export function pattern(seed, length) {
  const out = new Uint8Array(length);
  for (let k = 0; k < length; ++k) out[k] = (seed * 131 + k * 7 + (k >> 8)) & 255;
  return out;
}

// The package's provider, statement for statement.
class Provider {
  constructor(path, busyTimeoutMs) {
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec('PRAGMA synchronous = NORMAL');
    if (busyTimeoutMs !== undefined) this.db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
    this.db.exec(`CREATE TABLE IF NOT EXISTS snapshots (store_id TEXT PRIMARY KEY, data BLOB NOT NULL, clock INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS patches (store_id TEXT NOT NULL, clock INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (store_id, clock));
      CREATE TABLE IF NOT EXISTS blobs (hash TEXT PRIMARY KEY, data BLOB NOT NULL, ref_count INTEGER NOT NULL DEFAULT 0);`);
    const p = (sql) => this.db.prepare(sql);
    this.s = {
      loadSnapshot: p('SELECT data FROM snapshots WHERE store_id = ?'),
      saveSnapshot: p('INSERT INTO snapshots (store_id, data, clock) VALUES (?,?,?) ON CONFLICT(store_id) DO UPDATE SET data=excluded.data, clock=excluded.clock'),
      loadPatches: p('SELECT data FROM patches WHERE store_id = ? AND clock > ? ORDER BY clock ASC'),
      append: p('INSERT OR IGNORE INTO patches (store_id, clock, data) VALUES (?,?,?)'),
      prune: p('DELETE FROM patches WHERE store_id = ? AND clock < ?'),
      loadValue: p('SELECT data FROM blobs WHERE hash = ?'),
      saveValue: p('INSERT INTO blobs (hash, data, ref_count) VALUES (?,?,1) ON CONFLICT(hash) DO UPDATE SET ref_count = ref_count + 1'),
      release: p('UPDATE blobs SET ref_count = ref_count - 1 WHERE hash = ?'),
      releaseDelete: p('DELETE FROM blobs WHERE hash = ? AND ref_count <= 0'),
    };
  }
  loadSnapshot(id) { return this.s.loadSnapshot.get(id)?.data; }
  saveSnapshot(id, data, clock = 0) { this.s.saveSnapshot.run(id, data, clock); }
  loadPatchesSince(id, clock) { return this.s.loadPatches.all(id, clock).map((row) => row.data); }
  appendPatch(id, data, clock) { this.s.append.run(id, clock, data); }
  prunePatches(id, before) { this.s.prune.run(id, before); }
  loadValue(hash) { return this.s.loadValue.get(hash)?.data; }
  saveValue(hash, data) { this.s.saveValue.run(hash, data); }
  releaseValue(hash) { this.s.release.run(hash); this.s.releaseDelete.run(hash); }
  close() { this.db.close(); }
}

const MAX_CLOCK = 9223372036854775807n;

function same(a, b) {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

function write(path) {
  const node = new Provider(path);
  node.saveSnapshot('node-doc', pattern(5, 3000), 5);
  for (let clock = 6; clock <= 105; ++clock) node.appendPatch('node-doc', pattern(clock, (clock * 7) % 500), clock);
  node.appendPatch('node-doc', pattern(0, 10), 50);  // a duplicate clock: the first wins
  node.appendPatch('\u00fcn\u00efc\u00f6de/\u{1f600}', pattern(1, 1), 0);
  node.appendPatch('\u00fcn\u00efc\u00f6de/\u{1f600}', pattern(2, 2), MAX_CLOCK);
  node.saveSnapshot('default-clock', pattern(3, 0));  // an empty snapshot at the default clock
  node.saveValue('node-h1', pattern(11, 70000));
  node.saveValue('node-h1', pattern(12, 5));  // a second reference; the data stays
  node.saveValue('node-h2', pattern(13, 1));
  node.saveValue('node-gone', pattern(14, 1));
  node.releaseValue('node-gone');
  node.close();
}

function check(path) {
  const node = new Provider(path);
  const failures = [];
  const expect = (what, ok) => { if (!ok) failures.push(what); };
  expect('snapshot', same(node.loadSnapshot('cpp-doc'), pattern(7, 5000)));
  const patches = node.loadPatchesSince('cpp-doc', 7);
  expect(`patch count ${patches.length}`, patches.length === 50);
  patches.forEach((data, i) => expect(`patch ${i + 8}`, same(data, pattern(i + 8, (i + 8) * 3))));
  expect('pruned below 7', node.loadPatchesSince('cpp-doc', 0).length === 51);  // 7 to 57
  const edge = node.loadPatchesSince('\u00e9t\u00e9', -1);
  expect('clock 0 and 2^63-1', edge.length === 2 && same(edge[0], pattern(20, 4)) && same(edge[1], pattern(21, 4)));
  expect('blob cpp-h1', same(node.loadValue('cpp-h1'), pattern(30, 100000)));
  node.releaseValue('cpp-h1');
  expect('blob cpp-h1 after one release', same(node.loadValue('cpp-h1'), pattern(30, 100000)));
  node.releaseValue('cpp-h1');
  expect('blob cpp-h1 after two releases', node.loadValue('cpp-h1') === undefined);
  expect('blob cpp-empty', same(node.loadValue('cpp-empty'), new Uint8Array(0)));
  node.close();
  if (failures.length) {
    console.error(`mismatch: ${failures.join(', ')}`);
    process.exit(1);
  }
  console.log('ok');
}

function append(path, store, first, count, step, busyTimeoutMs) {
  const node = new Provider(path, busyTimeoutMs);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let locked = 0;          // failed calls: the real package throws each to the application
  let appendsLocked = 0;   // appends that failed at least once
  for (let i = 0; i < count; ++i) {
    const clock = first + i * step;
    for (let attempt = 0; ; ++attempt) {
      try {
        node.appendPatch(store, pattern(clock, 64 + (clock % 64)), clock);
        break;
      } catch (error) {
        if (!String(error.message).includes('database is locked')) throw error;
        ++locked;
        if (attempt === 0) ++appendsLocked;
        Atomics.wait(pause, 0, 0, 1);  // as an application would: retry a millisecond later
      }
    }
  }
  node.close();
  console.log(JSON.stringify({ appends: count, locked, appendsLocked }));
}

const [command, path, ...rest] = process.argv.slice(2);
if (command === 'write') write(path);
else if (command === 'check') check(path);
else if (command === 'append') {
  const [store, first, count, step, busy] = rest;
  append(path, store, Number(first), Number(count), Number(step), busy === undefined ? undefined : Number(busy));
} else {
  console.error('usage: sds_node_peer.mjs write|check|append DB ...');
  process.exit(2);
}
