'use strict'
// Calls take effect in the order they were made, awaited or not, and queued
// appends are coalesced: the SDS sync engine fires appendPatch without
// awaiting it, then checkpoints (loadPatchesSince, saveSnapshot,
// prunePatches).
const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const { native, tempDir, uriFor, bytes, text, schemes } = require('./support.js')
const { SDS_NativePersistenceProvider, openDatabase } = native

const dir = tempDir()
const count = 1000
// Queued first, it keeps the worker busy while the test queues its appends,
// so that they are all waiting when the worker comes to them, whatever the
// speed of the backend. (Without it a fast backend, memory:, commits about
// as fast as JS queues: then there is little to coalesce.)
const blocker = new Uint8Array(32 * 1024 * 1024)

for (const scheme of schemes) {
  describe(scheme, () => {
    test('1,000 appends not awaited, then a checkpoint: in order, nothing lost', async (t) => {
      const provider = new SDS_NativePersistenceProvider(uriFor(scheme, dir, 'burst'), 'doc')
      const blocking = provider.saveValue('blocker', blocker)
      const settled = []
      const appends = []
      for (let clock = 1; clock <= count; clock++) {
        appends.push(provider.appendPatch(bytes(`patch ${clock}`), clock).then(() => settled.push(clock)))
      }
      // the engine's checkpoint, queued behind the appends without awaiting them
      const loaded = provider.loadPatchesSince(0)
      const saved = provider.saveSnapshot(bytes(`snapshot at ${count}`), count)
      const pruned = provider.prunePatches(count)
      const due = provider.checkpointDue()

      await blocking
      await Promise.all(appends)
      const patches = await loaded
      assert.equal(patches.length, count)
      patches.forEach((patch, i) => assert.equal(text(patch), `patch ${i + 1}`))
      await saved
      await pruned
      assert.equal(await due, false)
      assert.deepEqual(settled, Array.from({ length: count }, (_, i) => i + 1)) // one result per call, in order
      assert.deepEqual((await provider.loadPatchesSince(0)).map(text), [`patch ${count}`])
      assert.equal(text(await provider.loadSnapshot()), `snapshot at ${count}`)

      const figures = provider.queueStats()
      assert.equal(figures.appendCalls, count)
      t.diagnostic(`${scheme}: ${count} appends in ${figures.appendCommits} commits`)
      assert.ok(figures.appendCommits <= count / 10,
        `${count} queued appends took ${figures.appendCommits} commits: not coalesced`)
      await provider.close()
    })

    test('appends to several stores of one database coalesce too, each store in order', async (t) => {
      const database = await openDatabase(uriFor(scheme, dir, 'stores'))
      const stores = ['a', 'b', 'c'].map((id) => database.store(id))
      const appends = [stores[0].saveValue('blocker', blocker)]
      for (let clock = 1; clock <= 300; clock++) {
        for (const store of stores) appends.push(store.appendPatch(bytes(`${store.storeId}${clock}`), clock))
      }
      await Promise.all(appends)
      for (const store of stores) {
        const patches = (await store.loadPatchesSince(0)).map(text)
        assert.deepEqual(patches, Array.from({ length: 300 }, (_, i) => `${store.storeId}${i + 1}`))
      }
      const figures = database.queueStats()
      assert.equal(figures.appendCalls, 900)
      t.diagnostic(`${scheme}: 900 appends to 3 stores in ${figures.appendCommits} commits`)
      assert.ok(figures.appendCommits <= 900 / 10, `900 appends took ${figures.appendCommits} commits`)
      for (const store of stores) await store.close()
      await database.close()
    })

    test('a failing append in a burst fails alone', async () => {
      const provider = new SDS_NativePersistenceProvider(uriFor(scheme, dir, 'failing'), 'doc')
      const results = await Promise.allSettled([
        provider.appendPatch(bytes('one'), 1),
        provider.appendPatch('not bytes', 2),
        provider.appendPatch(bytes('three'), 3)
      ])
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled'])
      assert.equal(results[1].reason.code, 'invalid_argument')
      assert.deepEqual((await provider.loadPatchesSince(0)).map(text), ['one', 'three'])
      await provider.close()
    })
  })
}
