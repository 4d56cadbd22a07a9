'use strict'
// close() with calls in flight, providers on one file, and the end of the
// process with providers still open: every promise settles, nothing crashes,
// nothing is lost.
const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const { native, tempDir, uriFor, persistent, bytes, text, schemes } = require('./support.js')
const { SDS_NativePersistenceProvider, openDatabase } = native

const dir = tempDir()

// Resolves with the outcomes of `promises`, or fails if any stays unsettled.
async function allSettledSoon (promises, ms = 60000) {
  let timer
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error('a promise was left unsettled')), ms)
  })
  try {
    return await Promise.race([Promise.allSettled(promises), timeout])
  } finally {
    clearTimeout(timer)
  }
}

for (const scheme of schemes) {
  describe(scheme, () => {
    test('close() with calls in flight: they finish, later calls reject with closed', async () => {
      const uri = uriFor(scheme, dir, 'inflight')
      const database = await openDatabase(uri) // keeps a memory: database alive for the reopen
      const provider = new SDS_NativePersistenceProvider(uri, 'doc')
      const before = []
      for (let clock = 1; clock <= 200; clock++) before.push(provider.appendPatch(bytes(`p${clock}`), clock))
      before.push(provider.saveValue('h', bytes('v')))
      const loaded = provider.loadPatchesSince(0)
      const closed = provider.close()
      const after = [provider.appendPatch(bytes('late'), 999), provider.loadSnapshot(), provider.checkpointDue()]
      const outcomes = await allSettledSoon([...before, loaded, closed, ...after])
      assert.ok(outcomes.slice(0, before.length + 2).every((o) => o.status === 'fulfilled'))
      assert.equal(outcomes[before.length].value.length, 200)
      for (const outcome of outcomes.slice(before.length + 2)) {
        assert.equal(outcome.status, 'rejected')
        assert.equal(outcome.reason.code, 'closed')
      }
      const reopened = database.store('doc')
      assert.equal((await reopened.loadPatchesSince(0)).length, 200)
      await reopened.close()
      await database.close()
    })

    test('database.close() with store calls in flight', async () => {
      const database = await openDatabase(uriFor(scheme, dir, 'dbclose'))
      const store = database.store('doc')
      const calls = []
      for (let clock = 1; clock <= 100; clock++) calls.push(store.appendPatch(bytes(`p${clock}`), clock))
      calls.push(database.close())
      calls.push(database.stores())
      const outcomes = await allSettledSoon(calls)
      assert.ok(outcomes.slice(0, 101).every((o) => o.status === 'fulfilled'))
      assert.equal(outcomes[101].reason.code, 'closed')
      assert.equal((await store.loadPatchesSince(0)).length, 100) // the store is still open
      await store.close()
    })

    if (persistent.has(scheme)) {
      test('two providers on one file, on one store and on two', async () => {
        const uri = uriFor(scheme, dir, 'shared')
        const first = new SDS_NativePersistenceProvider(uri, 'doc')
        const second = new SDS_NativePersistenceProvider(uri, 'doc')
        const other = new SDS_NativePersistenceProvider(uri, 'other')
        const calls = []
        for (let clock = 1; clock <= 100; clock++) {
          calls.push(first.appendPatch(bytes(`first ${clock}`), 2 * clock - 1))
          calls.push(second.appendPatch(bytes(`second ${clock}`), 2 * clock))
          calls.push(other.appendPatch(bytes(`other ${clock}`), clock))
        }
        await Promise.all(calls)
        const patches = (await second.loadPatchesSince(0)).map(text)
        assert.equal(patches.length, 200)
        assert.equal(patches[0], 'first 1')
        assert.equal(patches[199], 'second 100')
        assert.deepEqual(await first.loadPatchesSince(0).then((p) => p.map(text)), patches)
        assert.equal((await other.loadPatchesSince(0)).length, 100)
        await first.saveValue('h', bytes('v'))
        assert.equal(text(await second.loadValue('h')), 'v')
        await first.close()
        assert.equal((await second.loadPatchesSince(199)).length, 1) // the other still works
        await second.close()
        await other.close()
      })

      test('a process that ends with providers open, or exits at once, loses nothing', () => {
        for (const ending of ['', 'process.exit(0)']) {
          const uri = uriFor(scheme, dir, `exit${ending ? 'now' : ''}`)
          const child = spawnSync(process.execPath, ['-e', `
            const { SDS_NativePersistenceProvider } = require('sds-persistence-native')
            const provider = new SDS_NativePersistenceProvider(${JSON.stringify(uri)}, 'doc')
            for (let clock = 1; clock <= 100; clock++) provider.appendPatch(new Uint8Array([clock]), clock)
            ${ending}`], { encoding: 'utf8', env: process.env, timeout: 60000 })
          assert.equal(child.status, 0, child.stderr)
          assert.equal(child.signal, null)
        }
      })

      test('...and what it wrote is there', async () => {
        for (const name of ['exit', 'exitnow']) {
          const provider = new SDS_NativePersistenceProvider(uriFor(scheme, dir, name), 'doc')
          assert.equal((await provider.loadPatchesSince(0)).length, 100, name)
          await provider.close()
        }
      })
    }
  })
}
