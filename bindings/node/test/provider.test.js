'use strict'
// The Node package's own cases (SDS_PersistenceProvider), and the extras,
// on every scheme this build has.
const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const { native, tempDir, uriFor, withQuery, persistent, bytes, text, schemes } = require('./support.js')
const { SDS_NativePersistenceProvider, openDatabase } = native

const dir = tempDir()

test('the package has the version of the engine it was built with', () => {
  assert.equal(require('sds-persistence-native/package.json').version, native.version)
})

test('every built-in scheme is there', () => {
  for (const scheme of ['sqlite', 'lmdb', 'rocksdb', 'memory']) assert.ok(schemes.includes(scheme), scheme)
})

for (const scheme of schemes) {
  describe(scheme, () => {
    const open = (name, id = 'store') => new SDS_NativePersistenceProvider(uriFor(scheme, dir, name), id)

    test('no snapshot is undefined; a saved one comes back exactly, replaced by the next', async () => {
      const provider = open('snapshot')
      assert.equal(await provider.loadSnapshot(), undefined)
      assert.equal(await provider.snapshotClock(), undefined)
      await provider.saveSnapshot(new Uint8Array([0, 255, 1, 0]))
      assert.equal(await provider.snapshotClock(), 0) // Clock defaults to 0
      await provider.saveSnapshot(bytes('second'), 2)
      const loaded = await provider.loadSnapshot()
      assert.ok(loaded instanceof Uint8Array)
      assert.equal(text(loaded), 'second')
      assert.equal(await provider.snapshotClock(), 2)
      await provider.close()
    })

    test('loadPatchesSince: clock > SeqNumber, ascending, numerically', async () => {
      const provider = open('patches')
      assert.deepEqual(await provider.loadPatchesSince(0), [])
      for (const clock of [10, 2, 9007199254740991, 1]) await provider.appendPatch(bytes(`p${clock}`), clock)
      assert.deepEqual((await provider.loadPatchesSince(0)).map(text), ['p1', 'p2', 'p10', 'p9007199254740991'])
      assert.deepEqual((await provider.loadPatchesSince(2)).map(text), ['p10', 'p9007199254740991'])
      assert.deepEqual(await provider.loadPatchesSince(9007199254740991), [])
      await provider.close()
    })

    test('a duplicate append is ignored: the first wins', async () => {
      const provider = open('duplicate')
      await provider.appendPatch(bytes('first'), 5)
      await provider.appendPatch(bytes('second'), 5)
      assert.deepEqual((await provider.loadPatchesSince(0)).map(text), ['first'])
      await provider.close()
    })

    test('prunePatches: clock < before', async () => {
      const provider = open('prune')
      for (const clock of [1, 2, 3, 4]) await provider.appendPatch(bytes(`p${clock}`), clock)
      await provider.prunePatches(3)
      assert.deepEqual((await provider.loadPatchesSince(0)).map(text), ['p3', 'p4'])
      await provider.close()
    })

    test('values: saved with a reference count, gone when released to zero', async () => {
      const provider = open('values')
      const hash = 'a'.repeat(64)
      assert.equal(await provider.loadValue(hash), undefined)
      await provider.saveValue(hash, bytes('value'))
      await provider.saveValue(hash, bytes('ignored')) // one more reference, data kept
      assert.equal(text(await provider.loadValue(hash)), 'value')
      await provider.releaseValue(hash)
      assert.equal(text(await provider.loadValue(hash)), 'value')
      await provider.releaseValue(hash)
      assert.equal(await provider.loadValue(hash), undefined)
      await provider.releaseValue(hash) // unknown: a no-op
      await provider.close()
    })

    test('a Buffer is accepted as a Uint8Array; empty values too', async () => {
      const provider = open('buffer')
      await provider.appendPatch(Buffer.from('buffer'), 1)
      await provider.appendPatch(new Uint8Array(0), 2)
      await provider.saveSnapshot(Buffer.alloc(0), 3)
      const patches = await provider.loadPatchesSince(0)
      assert.equal(text(patches[0]), 'buffer')
      assert.equal(patches[1].length, 0)
      assert.equal((await provider.loadSnapshot()).length, 0)
      await provider.close()
    })

    test('extras: accumulatedBytes, checkpointDue, checkpoint, stats, flush', async () => {
      const provider = open('extras')
      await provider.appendPatch(new Uint8Array(100), 1)
      await provider.appendPatch(new Uint8Array(50), 2)
      assert.equal(await provider.accumulatedBytes(), 150)
      assert.equal(await provider.checkpointDue(), false)
      await provider.checkpoint(bytes('snapshot'), 2)
      assert.equal(await provider.snapshotClock(), 2)
      assert.deepEqual((await provider.loadPatchesSince(0)).map((p) => p.length), [50])
      assert.equal(await provider.accumulatedBytes(), 0)
      await assert.rejects(provider.checkpoint(bytes('stale'), 1), { code: 'invalid_argument' })
      const stats = await provider.stats()
      assert.equal(stats.hasSnapshot, true)
      assert.equal(stats.snapshotClock, 2)
      assert.equal(stats.patchCount, 1)
      assert.equal(stats.firstPatchClock, 2)
      assert.equal(stats.checkpointBytes, 512 * 1024)
      await provider.flush()
      assert.equal(provider.storeId, 'store')
      await provider.close()
    })

    test('checkpointDue follows the URI\'s checkpoint_bytes', async () => {
      const provider = new SDS_NativePersistenceProvider(withQuery(uriFor(scheme, dir, 'due'), 'checkpoint_bytes=10'), 's')
      await provider.appendPatch(new Uint8Array(10), 1)
      assert.equal(await provider.checkpointDue(), true)
      await provider.close()
    })

    if (persistent.has(scheme)) {
      test('everything is there after close and reopen', async () => {
        const uri = uriFor(scheme, dir, 'reopen')
        const first = new SDS_NativePersistenceProvider(uri, 'doc')
        await first.saveSnapshot(bytes('snap'), 4)
        await first.appendPatch(bytes('p5'), 5)
        await first.saveValue('h', bytes('v'))
        await first.close()
        const second = new SDS_NativePersistenceProvider(uri, 'doc')
        assert.equal(text(await second.loadSnapshot()), 'snap')
        assert.deepEqual((await second.loadPatchesSince(4)).map(text), ['p5'])
        assert.equal(text(await second.loadValue('h')), 'v')
        await second.close()
      })
    }

    test('openDatabase: stores isolated, stores(), dropStore, blobs shared', async () => {
      const database = await openDatabase(uriFor(scheme, dir, 'database'))
      const a = database.store('a')
      const b = database.store('b')
      await a.appendPatch(bytes('a1'), 1)
      await b.appendPatch(bytes('b1'), 1)
      await a.saveValue('shared', bytes('blob'))
      assert.equal(text(await b.loadValue('shared')), 'blob')
      assert.deepEqual((await b.loadPatchesSince(0)).map(text), ['b1'])
      assert.deepEqual(await database.stores(), ['a', 'b'])
      await database.dropStore('b')
      assert.deepEqual(await database.stores(), ['a'])
      await assert.rejects(database.dropStore('b'), { code: 'not_found' })
      assert.equal((await database.stats()).storeCount, 1)
      await database.flush()
      await database.close()
      // providers outlive their database object
      assert.deepEqual((await a.loadPatchesSince(0)).map(text), ['a1'])
      await a.close()
      await b.close()
    })
  })
}
