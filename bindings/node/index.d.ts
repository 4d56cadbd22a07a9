// Types of sds-persistence-native. SDS_NativePersistenceProvider implements
// SDS_PersistenceProvider of @rozek/sds-core exactly; the rest are extras.
//
// Every method that returns a promise runs on a worker thread of the
// database, in the order the calls were made (awaited or not), or, when it
// is quick and its database has nothing pending, at once on the JS thread
// (SDS_NativeOptions). Either way it returns a promise and never throws for
// what the engine refuses. Failures reject with an Error whose `code` is the
// engine's error code:
// 'invalid_argument', 'unsupported', 'not_found', 'corruption', 'version',
// 'io_error', 'full', 'busy', 'closed' (and 'out_of_memory', 'internal').

export type SDS_PatchSeqNumber = number

/** The interface of @rozek/sds-core, as the SDS sync engine uses it. */
export interface SDS_PersistenceProvider {
  loadSnapshot(): Promise<Uint8Array | undefined>
  saveSnapshot(Data: Uint8Array, Clock?: SDS_PatchSeqNumber): Promise<void>
  loadPatchesSince(SeqNumber: SDS_PatchSeqNumber): Promise<Uint8Array[]>
  appendPatch(Patch: Uint8Array, SeqNumber: SDS_PatchSeqNumber): Promise<void>
  prunePatches(beforeSeqNumber: SDS_PatchSeqNumber): Promise<void>
  loadValue(ValueHash: string): Promise<Uint8Array | undefined>
  saveValue(ValueHash: string, Data: Uint8Array): Promise<void>
  releaseValue(ValueHash: string): Promise<void>
  close(): Promise<void>
}

/** An Error of this package: `code` names what went wrong. */
export interface SDS_NativeError extends Error {
  code:
    | 'invalid_argument' | 'unsupported' | 'not_found' | 'corruption' | 'version'
    | 'io_error' | 'full' | 'busy' | 'closed' | 'out_of_memory' | 'internal'
  /** What to do about it; '' when there is no advice. */
  advice: string
}

export interface SDS_StoreStats {
  hasSnapshot: boolean
  snapshotClock: number
  snapshotBytes: number
  snapshotStoredBytes: number
  patchCount: number
  patchBytes: number
  firstPatchClock: number | undefined
  lastPatchClock: number | undefined
  accumulatedBytes: number
  checkpointBytes: number
  blobCount: number
  blobBytes: number
  blobStoredBytes: number
  bytesOnDisk: number | undefined
}

export interface SDS_DatabaseStats {
  storeCount: number
  blobCount: number
  blobBytes: number
  blobStoredBytes: number
  bytesOnDisk: number | undefined
  formatVersion: number
}

/** How the calls of one database (all its providers) ran. */
export interface SDS_QueueStats {
  calls: number
  appendCalls: number
  /** Commits that wrote the appends: below appendCalls when they were coalesced. */
  appendCommits: number
  /** Of `calls`, those that ran on the JS thread. */
  jsThreadCalls: number
}

/** Options of a database (openDatabase, SDS_NativeDatabase) or of a provider that opens its own. */
export interface SDS_NativeOptions {
  /**
   * A call runs on the JS thread, instead of crossing to the worker and back,
   * when its database has no call pending, it is the first call to run there
   * in this turn of JS (of calls made together, the others go to the worker,
   * which writes appends together), it hands over at most 64 KiB, and the
   * last call of its method on this database took at most this many
   * milliseconds. flush(), stats(), ready(), stores(), dropStore() and
   * close() always run on the worker. 0: every call on the worker; Infinity:
   * the others whatever they took and whatever their size, as the Node
   * package's calls. Default 0.1.
   */
  jsThreadBudgetMs?: number
}

/** SDS_PersistenceProvider's methods, which the class declares with its extras. */
export interface SDS_NativePersistenceProvider extends SDS_PersistenceProvider {}

export class SDS_NativePersistenceProvider implements SDS_PersistenceProvider {
  /**
   * A URI (`sqlite:notes.db`, `lmdb:/var/lib/app/db`, `rocksdb:...`,
   * `memory:name`) picks its backend; anything that does not start with a
   * registered scheme and a colon is a path, meaning `sds-node:PATH`. A
   * database object (SDS_NativeDatabase) shares that database, and its
   * options. Opening runs on the worker: a failure rejects every call (and
   * ready()).
   */
  constructor(uriOrPath: string, StoreId: string, options?: SDS_NativeOptions)
  constructor(database: SDS_NativeDatabase, StoreId: string)
  readonly storeId: string

  /** Lets the calls made before it finish; later calls reject with 'closed'. */
  close(): Promise<void>

  /** Bytes of the patches after the snapshot. */
  accumulatedBytes(): Promise<number>
  /** accumulatedBytes() >= the URI's checkpoint_bytes (512 KiB by default). */
  checkpointDue(): Promise<boolean>
  /** Saves the snapshot and prunes the patches below Clock, atomically. */
  checkpoint(Snapshot: Uint8Array, Clock: SDS_PatchSeqNumber): Promise<void>
  snapshotClock(): Promise<SDS_PatchSeqNumber | undefined>
  /** Makes everything written so far durable, whatever the sync mode. */
  flush(): Promise<void>
  stats(): Promise<SDS_StoreStats>
  /** Resolves once the store is open; rejects with what prevented it. */
  ready(): Promise<void>
  queueStats(): SDS_QueueStats
}

export class SDS_NativeDatabase {
  constructor(uriOrPath: string, options?: SDS_NativeOptions)
  /** The URI this object opens: as given, or a bare path's sds-node: URI.
   * Unlike the engine's messages, it is not masked: keep a password out of logs. */
  readonly uri: string
  /** A provider on the store `StoreId`, sharing this database's worker. */
  store(StoreId: string): SDS_NativePersistenceProvider
  stores(): Promise<string[]>
  /** Deletes a store's snapshot and patches (blobs stay); 'not_found' if none. */
  dropStore(StoreId: string): Promise<void>
  flush(): Promise<void>
  stats(): Promise<SDS_DatabaseStats>
  ready(): Promise<void>
  /** Providers made by store() stay usable. */
  close(): Promise<void>
  queueStats(): SDS_QueueStats
}

/** Opens a database; resolves once it is open. */
export function openDatabase(uriOrPath: string, options?: SDS_NativeOptions): Promise<SDS_NativeDatabase>
/** The URI schemes this build can open. */
export function backends(): string[]
/** The version of the engine. */
export const version: string
