'use strict'
// Quick calls on the JS thread (docs/DESIGN.md section 15.4): a call made
// while its database has nothing pending runs at once on the JS thread, the
// first of its turn of JS only; calls made together still go to the worker
// and are written together; order, errors and close() are as on the worker.
// `jsThreadBudgetMs: Infinity` makes the choice independent of how long
// calls take on this machine; queueStats().jsThreadCalls says where they ran.
const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const { native, tempDir, uriFor, bytes, text, schemes } = require('./support.js')
const { SDS_NativePersistenceProvider, openDatabase } = native

const dir = tempDir()
const always = { jsThreadBudgetMs: Infinity }
const never = { jsThreadBudgetMs: 0 }
// Queued, it keeps the worker busy while a test queues calls behind it.
const blocker = new Uint8Array(32 * 1024 * 1024)

const jsThreadCalls = (handle) => handle.queueStats().jsThreadCalls

// An open provider whose database has nothing pending any more.
async function idle (scheme, name, options = always) {
  const provider = new SDS_NativePersistenceProvider(uriFor(scheme, dir, name), 'doc', options)
  await provider.ready()
  return provider
}

for (const scheme of schemes) {
  describe(scheme, () => {
    test('awaited calls on an idle database run on the JS thread, in order', async () => {
      const provider = await idle(scheme, 'awaited')
      const before = jsThreadCalls(provider)
      for (let clock = 1; clock <= 20; clock++) await provider.appendPatch(bytes(`p${clock}`), clock)
      await provider.saveValue('h', bytes('v'))
      assert.equal(text(await provider.loadValue('h')), 'v')
      const patches = (await provider.loadPatchesSince(0)).map(text)
      assert.deepEqual(patches, Array.from({ length: 20 }, (_, i) => `p${i + 1}`))
      assert.equal(jsThreadCalls(provider) - before, 23)
      const figures = provider.queueStats()
      assert.equal(figures.appendCalls, 20)
      assert.equal(figures.appendCommits, 20) // one commit each, as on the worker
      await provider.close()
    })

    test('a burst: its first call runs on the JS thread, the others join the worker\'s batch, in order', async (t) => {
      const provider = await idle(scheme, 'burst')
      const before = provider.queueStats()
      const settled = []
      const calls = [provider.appendPatch(bytes('patch 1'), 1).then(() => settled.push(1))]
      calls.push(provider.saveValue('blocker', blocker)) // the worker is busy while the rest are queued
      for (let clock = 2; clock <= 500; clock++) {
        calls.push(provider.appendPatch(bytes(`patch ${clock}`), clock).then(() => settled.push(clock)))
      }
      const loaded = provider.loadPatchesSince(0) // queued behind all of them
      await Promise.all(calls)
      assert.deepEqual((await loaded).map(text), Array.from({ length: 500 }, (_, i) => `patch ${i + 1}`))
      assert.deepEqual(settled, Array.from({ length: 500 }, (_, i) => i + 1))
      const after = provider.queueStats()
      assert.equal(after.jsThreadCalls - before.jsThreadCalls, 1)
      const commits = after.appendCommits - before.appendCommits
      t.diagnostic(`${scheme}: 500 appends in ${commits} commits`)
      assert.ok(commits <= 1 + 499 / 10, `the 499 queued appends took ${commits - 1} commits: not coalesced`)
      await provider.close()
    })

    test('a call made while an earlier one is pending waits for it, in a later turn too', async () => {
      const provider = await idle(scheme, 'pending')
      await provider.appendPatch(bytes('first'), 1)
      const before = jsThreadCalls(provider)
      const flushing = provider.flush() // on the worker; settled in a later task of the event loop
      await null // a later turn of JS: only the pending flush keeps the next call off the JS thread
      const appending = provider.appendPatch(bytes('second'), 2)
      const loaded = provider.loadPatchesSince(0)
      await Promise.all([flushing, appending])
      assert.deepEqual((await loaded).map(text), ['first', 'second'])
      assert.equal(jsThreadCalls(provider), before)
      await provider.appendPatch(bytes('third'), 3) // idle again
      assert.equal(jsThreadCalls(provider), before + 1)
      await provider.close()
    })

    test('close() after calls on the JS thread; later calls reject with closed', async () => {
      const database = await openDatabase(uriFor(scheme, dir, 'close'), always)
      const store = database.store('doc')
      await store.ready()
      await store.appendPatch(bytes('one'), 1)
      const second = store.appendPatch(bytes('two'), 2) // not awaited before close()
      const closing = store.close()
      const late = assert.rejects(store.appendPatch(bytes('late'), 3), { code: 'closed' })
      await second
      await closing
      await late
      await assert.rejects(store.loadPatchesSince(0), { code: 'closed' })
      assert.equal(store.queueStats().jsThreadCalls, 2)
      const reopened = database.store('doc')
      await reopened.ready()
      assert.deepEqual((await reopened.loadPatchesSince(0)).map(text), ['one', 'two'])
      await reopened.close()
      await database.close()
    })

    test('an engine error on the JS thread rejects the promise, as on the worker', async () => {
      const here = await idle(scheme, 'errors')
      const there = await idle(scheme, 'errors-worker', never)
      for (const call of [
        (provider) => provider.saveValue('', bytes('v')),
        (provider) => provider.loadValue('h'.repeat(257)),
        (provider) => provider.releaseValue('')
      ]) {
        const before = jsThreadCalls(here)
        let promise
        assert.doesNotThrow(() => { promise = call(here) })
        assert.equal(jsThreadCalls(here), before + 1) // it ran on the JS thread
        const error = await promise.then(() => null, (e) => e)
        const expected = await call(there).then(() => null, (e) => e)
        assert.ok(error instanceof Error)
        assert.equal(error.code, 'invalid_argument')
        // the same but for the names of the databases, quoted
        const shape = (e) => [e.code, e.message.replace(/'[^']*'/g, "'...'"), e.advice]
        assert.deepEqual(shape(error), shape(expected))
      }
      assert.equal(jsThreadCalls(there), 0)
      await here.close()
      await there.close()
    })
  })
}

test('jsThreadBudgetMs: 0 keeps every call on the worker', async () => {
  const provider = await idle('memory', 'never', never)
  const before = provider.queueStats().calls
  for (let clock = 1; clock <= 10; clock++) await provider.appendPatch(bytes('p'), clock)
  await provider.loadPatchesSince(0)
  assert.equal(provider.queueStats().calls - before, 11)
  assert.equal(jsThreadCalls(provider), 0)
  await provider.close()
})

test('a budget shorter than every call keeps them on the worker; a call never timed goes there first', async () => {
  const tiny = await idle('memory', 'tiny', { jsThreadBudgetMs: 1e-6 }) // 1 ns
  for (let clock = 1; clock <= 10; clock++) await tiny.appendPatch(bytes('p'), clock)
  assert.equal(jsThreadCalls(tiny), 0)
  await tiny.close()

  const usual = await idle('memory', 'default', {}) // the default budget
  await usual.loadSnapshot() // never timed on this database: on the worker
  await usual.snapshotClock()
  assert.equal(jsThreadCalls(usual), 0)
  await usual.close()
})

test('data over 64 KiB is written on the worker, unless the budget is Infinity', async () => {
  const small = new Uint8Array(64 * 1024)
  const large = new Uint8Array(64 * 1024 + 1)
  const writes = [
    (provider, data, clock) => provider.saveValue(`v${clock}`, data),
    (provider, data, clock) => provider.saveSnapshot(data, clock),
    (provider, data, clock) => provider.appendPatch(data, clock),
    (provider, data, clock) => provider.checkpoint(data, clock)
  ]
  const limited = await idle('memory', 'limited', { jsThreadBudgetMs: 1e9 }) // whatever calls took
  let clock = 0
  for (const write of writes) {
    await write(limited, small, ++clock) // times the method (on the worker, never timed before)
    const before = jsThreadCalls(limited)
    await write(limited, small, ++clock)
    assert.equal(jsThreadCalls(limited), before + 1)
    await write(limited, large, ++clock)
    assert.equal(jsThreadCalls(limited), before + 1)
  }
  await limited.close()

  const unlimited = await idle('memory', 'unlimited')
  for (const write of writes) await write(unlimited, large, ++clock)
  assert.equal(jsThreadCalls(unlimited), writes.length)
  await unlimited.close()
})

test('of calls made together, to one database or to two, one runs on the JS thread', async () => {
  const first = await idle('memory', 'first')
  const calls = []
  for (let clock = 1; clock <= 100; clock++) calls.push(first.appendPatch(bytes(`${clock}`), clock))
  await Promise.all(calls)
  assert.equal(jsThreadCalls(first), 1)
  assert.equal((await first.loadPatchesSince(0)).length, 100)
  await first.prunePatches(101)

  const second = await idle('memory', 'second')
  const before = jsThreadCalls(first)
  await Promise.all([first.appendPatch(bytes('a'), 201), second.appendPatch(bytes('b'), 1)])
  assert.equal(jsThreadCalls(first) - before + jsThreadCalls(second), 1)
  await first.appendPatch(bytes('a'), 202)
  await second.appendPatch(bytes('b'), 2)
  assert.equal(jsThreadCalls(first) - before + jsThreadCalls(second), 3)
  await first.close()
  await second.close()
})

test('flush(), stats(), ready() and the database\'s calls run on the worker', async () => {
  const database = await openDatabase(`memory:worker-only-${process.pid}`, always)
  const store = database.store('doc')
  await store.ready()
  await store.appendPatch(bytes('p'), 1)
  assert.equal(database.queueStats().jsThreadCalls, 1)
  await store.flush()
  await store.stats()
  await database.stores()
  await database.stats()
  await database.flush()
  await database.dropStore('doc')
  assert.equal(database.queueStats().jsThreadCalls, 1)
  await store.close()
  await database.close()
})

test('a bad jsThreadBudgetMs is invalid_argument', async () => {
  for (const budget of [-1, NaN, '1', null, 1n, {}]) {
    const options = { jsThreadBudgetMs: budget }
    assert.throws(() => new SDS_NativePersistenceProvider('memory:bad', 'doc', options),
      { code: 'invalid_argument', message: /jsThreadBudgetMs/ }, String(budget))
    await assert.rejects(openDatabase('memory:bad', options), { code: 'invalid_argument' }, String(budget))
  }
  assert.throws(() => new SDS_NativePersistenceProvider('memory:bad', 'doc', 5), { code: 'invalid_argument' })
  const database = await openDatabase(`memory:options-${process.pid}`)
  assert.throws(() => new SDS_NativePersistenceProvider(database, 'doc', always),
    { code: 'invalid_argument', message: /openDatabase/ })
  await database.close()
})
