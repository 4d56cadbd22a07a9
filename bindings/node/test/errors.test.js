'use strict'
// Bad input rejects with an Error whose `code` is the engine's Errc name;
// nothing is rounded, nothing crashes.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { native, tempDir, bytes, text } = require('./support.js')
const { SDS_NativePersistenceProvider, SDS_NativeDatabase, openDatabase } = native

const dir = tempDir()
let stores = 0
const open = () => new SDS_NativePersistenceProvider(`sqlite:${dir}/errors.db`, `doc ${++stores}`)

const badClocks = [-1, 1.5, NaN, Infinity, -Infinity, 2 ** 53, Number.MAX_VALUE, '1', 1n, null, undefined, {}]

test('a clock that is not a safe integer >= 0 is invalid_argument, never rounded', async () => {
  const provider = open()
  for (const clock of badClocks) {
    await assert.rejects(provider.appendPatch(bytes('x'), clock), { code: 'invalid_argument' }, String(clock))
    await assert.rejects(provider.loadPatchesSince(clock), { code: 'invalid_argument' }, String(clock))
    await assert.rejects(provider.prunePatches(clock), { code: 'invalid_argument' }, String(clock))
    await assert.rejects(provider.checkpoint(bytes('s'), clock), { code: 'invalid_argument' }, String(clock))
    if (clock !== undefined) { // saveSnapshot's Clock is optional
      await assert.rejects(provider.saveSnapshot(bytes('s'), clock), { code: 'invalid_argument' }, String(clock))
    }
  }
  await provider.appendPatch(bytes('max'), Number.MAX_SAFE_INTEGER)
  assert.deepEqual((await provider.loadPatchesSince(0)).map(text), ['max']) // nothing else got in
  assert.equal(await provider.snapshotClock(), undefined)
  await provider.close()
})

test('data that is not a Uint8Array is invalid_argument', async () => {
  const provider = open()
  for (const data of ['text', [1, 2], new Uint16Array(2), new Int8Array(2), new ArrayBuffer(2), null, undefined, 7]) {
    await assert.rejects(provider.appendPatch(data, 1), { code: 'invalid_argument' })
    await assert.rejects(provider.saveSnapshot(data), { code: 'invalid_argument' })
    await assert.rejects(provider.saveValue('h', data), { code: 'invalid_argument' })
  }
  assert.deepEqual(await provider.loadPatchesSince(0), [])
  await provider.close()
})

test('hashes and store ids outside their limits are invalid_argument', async () => {
  const provider = open()
  for (const hash of ['', 'h'.repeat(257), 7, undefined]) {
    await assert.rejects(provider.saveValue(hash, bytes('v')), { code: 'invalid_argument' })
    await assert.rejects(provider.loadValue(hash), { code: 'invalid_argument' })
    await assert.rejects(provider.releaseValue(hash), { code: 'invalid_argument' })
  }
  await provider.close()
  for (const id of ['', 'i'.repeat(4097)]) {
    const bad = new SDS_NativePersistenceProvider(`sqlite:${dir}/errors.db`, id)
    await assert.rejects(bad.loadSnapshot(), { code: 'invalid_argument' })
    await assert.rejects(bad.ready(), { code: 'invalid_argument' })
    await bad.close()
  }
  assert.throws(() => new SDS_NativePersistenceProvider(`sqlite:${dir}/errors.db`, 5), { code: 'invalid_argument' })
  assert.throws(() => new SDS_NativePersistenceProvider(5, 'doc'), { code: 'invalid_argument' })
})

test('a URI the engine refuses rejects every call with its code, message and advice', async () => {
  const provider = new SDS_NativePersistenceProvider(`sqlite:${dir}/x.db?no_such_parameter=1`, 'doc')
  const error = await provider.loadSnapshot().then(() => null, (e) => e)
  assert.ok(error instanceof Error)
  assert.equal(error.code, 'invalid_argument')
  assert.match(error.message, /no_such_parameter/)
  assert.equal(typeof error.advice, 'string')
  await assert.rejects(provider.appendPatch(bytes('x'), 1), { code: 'invalid_argument' })
  await provider.close()

  await assert.rejects(openDatabase(`lmdb:${dir}/missing/parent/db`), { code: 'not_found' })
  await assert.rejects(openDatabase('memory:x?sync=sometimes'), { code: 'invalid_argument' })
})

test('calls after close reject with closed; close is idempotent', async () => {
  const provider = open()
  await provider.close()
  await provider.close()
  await assert.rejects(provider.loadSnapshot(), { code: 'closed' })
  await assert.rejects(provider.appendPatch(bytes('x'), 1), { code: 'closed' })
  const database = await openDatabase(`sqlite:${dir}/errors.db`)
  await database.close()
  await assert.rejects(database.stores(), { code: 'closed' })
  assert.throws(() => database.store('doc'), { code: 'closed' })
})

test('a bare path means sds-node:PATH, with % and ? escaped', () => {
  const file = path.join(dir, 'app 100%?.db')
  assert.equal(new SDS_NativeDatabase(file).uri, `sds-node:${dir}/app 100%25%3F.db`)
  assert.equal(new SDS_NativeDatabase('notes.db').uri, 'sds-node:notes.db')
  // a registered scheme, in any case, makes a URI; an unknown one a path
  assert.equal(new SDS_NativeDatabase('SQLite:notes.db').uri, 'SQLite:notes.db')
  assert.equal(new SDS_NativeDatabase('c:/notes.db').uri, 'sds-node:c:/notes.db')
})

// The whole migration from the Node package is the import: its DbPath opens
// its own file through sds-node:, and the file is the package's (section 15).
test('a bare path opens the Node package\'s file through sds-node:', async () => {
  const file = path.join(dir, 'bare.db')
  const provider = new SDS_NativePersistenceProvider(file, 'doc')
  await provider.saveSnapshot(bytes('snapshot'), 3)
  await provider.appendPatch(bytes('patch'), 4)
  await provider.saveValue('f'.repeat(64), bytes('blob'))
  await provider.close()
  for (const reopened of [file, `sds-node:${file}`]) {
    const again = new SDS_NativePersistenceProvider(reopened, 'doc')
    assert.equal(text(await again.loadSnapshot()), 'snapshot')
    assert.deepEqual((await again.loadPatchesSince(0)).map(text), ['patch'])
    assert.equal(text(await again.loadValue('f'.repeat(64))), 'blob')
    await again.close()
  }
  // a sqlite: URI on that file is refused: the layout is the Node package's
  const ours = new SDS_NativePersistenceProvider(`sqlite:${file}`, 'doc')
  await assert.rejects(ours.loadSnapshot(), (error) => error.code === 'corruption' && /sds-node/.test(error.message))
  await ours.close()
})
