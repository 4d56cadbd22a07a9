'use strict'
// sds-persistence-native: the SDS_PersistenceProvider of @rozek/sds-core over
// the sds-persistence engine. The classes are native (src/); this file loads
// them and adds openDatabase(). Types and documentation: index.d.ts.
const native = require('./sds_persistence_native.node')

const { SDS_NativePersistenceProvider, SDS_NativeDatabase } = native

// Before the process (or this worker thread) exits, even by process.exit(),
// every worker runs the calls already queued and ends: the queued writes are
// done, and no thread is inside the engine while the process tears down.
process.on('exit', native.stopWorkers)

// Opens the database a URI (or a bare path, meaning sds-node:PATH) names;
// resolves once it is open, rejects with the reason it cannot be.
async function openDatabase (uriOrPath, options) {
  const database = new SDS_NativeDatabase(uriOrPath, options)
  try {
    await database.ready()
  } catch (error) {
    await database.close()
    throw error
  }
  return database
}

module.exports = {
  SDS_NativePersistenceProvider,
  SDS_NativeDatabase,
  openDatabase,
  backends: native.backends,
  version: native.version
}
