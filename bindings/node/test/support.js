'use strict'
// What the addon's tests share: a fresh directory per test file, and a URI
// per registered scheme, made from what the scheme's path names.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { after } = require('node:test')
const native = require('sds-persistence-native')

// A directory removed when the test file is done.
function tempDir () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sds-native-'))
  after(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

let names = 0
// A URI of `scheme` for a new database `name` in `dir`. Every registered
// scheme must have one here, so that a new backend is not left untested.
function uriFor (scheme, dir, name) {
  switch (scheme) {
    case 'sqlite': return `sqlite:${dir}/${name}.db`
    case 'sds-node': return `sds-node:${dir}/${name}.node.db`
    case 'lmdb': return `lmdb:${dir}/${name}.lmdb`
    case 'rocksdb': return `rocksdb:${dir}/${name}.rocksdb`
    case 'memory': return `memory:${name}-${process.pid}-${++names}`
    case 'postgres': {
      // A table on the server of the CTest fixture (tests/postgres_tests.cmake).
      const server = process.env.SDS_CONFORMANCE_POSTGRES_URI
      if (!server) throw new Error('SDS_CONFORMANCE_POSTGRES_URI is not set: run the tests with ctest')
      // One table per directory and name, as a path would be: a reopen finds it.
      const table = `node_${path.basename(dir)}_${name}`.replace(/[^A-Za-z0-9]/g, '_')
      return server.replaceAll('{name}', table)
    }
    default: throw new Error(`no test URI for the scheme '${scheme}': add one to test/support.js`)
  }
}

// `uri` with `query` ("key=value") added to its parameters (a server's URI
// has some already).
const withQuery = (uri, query) => `${uri}${uri.includes('?') ? '&' : '?'}${query}`

// The schemes whose data outlives the process.
const persistent = new Set(['sqlite', 'sds-node', 'lmdb', 'rocksdb', 'postgres'])

const bytes = (text) => new TextEncoder().encode(text)
const text = (data) => new TextDecoder().decode(data)

module.exports = { native, tempDir, uriFor, withQuery, persistent, bytes, text, schemes: native.backends() }
