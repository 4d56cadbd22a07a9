'use strict'
// The event loop keeps running while the worker saves and loads a 64 MiB
// snapshot: a setInterval goes on ticking.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const { native, tempDir, uriFor, schemes } = require('./support.js')
const { SDS_NativePersistenceProvider } = native

const dir = tempDir()
const size = 64 * 1024 * 1024

for (const scheme of schemes) {
  test(`${scheme}: a setInterval ticks while a 64 MiB snapshot is saved and loaded`, async (t) => {
    const provider = new SDS_NativePersistenceProvider(uriFor(scheme, dir, 'big'), 'doc')
    await provider.ready()
    const snapshot = crypto.randomBytes(size) // incompressible: stored as it is
    const ticks = []
    const timer = setInterval(() => ticks.push(performance.now()), 1)
    const start = performance.now()
    await provider.saveSnapshot(snapshot, 1)
    const loaded = await provider.loadSnapshot()
    const end = performance.now()
    clearInterval(timer)

    assert.equal(loaded.length, size)
    assert.ok(Buffer.from(loaded.buffer, loaded.byteOffset, loaded.length).equals(snapshot))
    // The longest stretch without a tick, from the start to the end.
    const times = [start, ...ticks.filter((time) => time <= end), end]
    let longest = 0
    for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i] - times[i - 1])
    const window = end - start
    t.diagnostic(`${scheme}: save+load ${window.toFixed(0)} ms, ${times.length - 2} ticks, ` +
      `longest gap ${longest.toFixed(1)} ms`)
    assert.ok(times.length - 2 >= 5, `only ${times.length - 2} ticks in ${window.toFixed(0)} ms`)
    assert.ok(longest < window / 2,
      `the event loop stood still for ${longest.toFixed(0)} of ${window.toFixed(0)} ms`)
    await provider.close()
  })
}
