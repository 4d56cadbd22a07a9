// The Node package @rozek/sds-persistence-node, as its SQL statements over
// node:sqlite (Node 22): WAL, synchronous = NORMAL, one statement per call, no
// explicit transactions. Shared by node_package_bench.mjs and
// native_addon_bench.mjs.
import { DatabaseSync } from 'node:sqlite';

// The Node package's schema and statements, verbatim.
const kSchema = `
  CREATE TABLE IF NOT EXISTS snapshots (store_id TEXT PRIMARY KEY, data BLOB NOT NULL, clock INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS patches (store_id TEXT NOT NULL, clock INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (store_id, clock));
  CREATE TABLE IF NOT EXISTS blobs (hash TEXT PRIMARY KEY, data BLOB NOT NULL, ref_count INTEGER NOT NULL DEFAULT 0);`;

export class NodePackageStore {
  constructor(path, storeId) {
    this.storeId = storeId;
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec('PRAGMA synchronous = NORMAL');
    this.db.exec(kSchema);
    const prepare = (sql) => this.db.prepare(sql);
    this.loadSnapshotStatement = prepare('SELECT data FROM snapshots WHERE store_id = ?');
    this.saveSnapshotStatement = prepare(
      'INSERT INTO snapshots (store_id, data, clock) VALUES (?,?,?) ' +
      'ON CONFLICT(store_id) DO UPDATE SET data=excluded.data, clock=excluded.clock');
    this.loadPatchesStatement = prepare(
      'SELECT data FROM patches WHERE store_id = ? AND clock > ? ORDER BY clock ASC');
    this.appendPatchStatement = prepare(
      'INSERT OR IGNORE INTO patches (store_id, clock, data) VALUES (?,?,?)');
    this.prunePatchesStatement = prepare('DELETE FROM patches WHERE store_id = ? AND clock < ?');
    this.loadValueStatement = prepare('SELECT data FROM blobs WHERE hash = ?');
    this.saveValueStatement = prepare(
      'INSERT INTO blobs (hash, data, ref_count) VALUES (?,?,1) ' +
      'ON CONFLICT(hash) DO UPDATE SET ref_count = ref_count + 1');
    this.decrementStatement = prepare('UPDATE blobs SET ref_count = ref_count - 1 WHERE hash = ?');
    this.deleteReleasedStatement = prepare('DELETE FROM blobs WHERE hash = ? AND ref_count <= 0');
  }
  loadSnapshot() { return this.loadSnapshotStatement.get(this.storeId)?.data; }
  saveSnapshot(data, clock) { this.saveSnapshotStatement.run(this.storeId, data, clock); }
  loadPatchesSince(clock) {
    return this.loadPatchesStatement.all(this.storeId, clock).map((row) => row.data);
  }
  appendPatch(data, clock) { this.appendPatchStatement.run(this.storeId, clock, data); }
  prunePatches(before) { this.prunePatchesStatement.run(this.storeId, before); }
  loadValue(hash) { return this.loadValueStatement.get(hash)?.data; }
  saveValue(hash, data) { this.saveValueStatement.run(hash, data); }
  releaseValue(hash) {
    this.decrementStatement.run(hash);
    this.deleteReleasedStatement.run(hash);
  }
  close() { this.db.close(); }
}
