// Checked by `tsc --noEmit` (CTest node_addon_types), never run: the
// declarations of index.d.ts against the interface of @rozek/sds-core, as
// an SDS application uses them.
import {
  SDS_NativePersistenceProvider, SDS_NativeDatabase, openDatabase, backends, version,
  SDS_NativeError, SDS_StoreStats, SDS_NativeOptions
} from '../index'

// SDS_PersistenceProvider as @rozek/sds-core declares it, written out here so
// that a drift of index.d.ts from it fails this check.
type SDS_PatchSeqNumber = number
interface SDS_PersistenceProvider {
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

async function application (): Promise<void> {
  const provider: SDS_PersistenceProvider = new SDS_NativePersistenceProvider('sqlite:notes.db', 'notes')
  const snapshot: Uint8Array | undefined = await provider.loadSnapshot()
  const patches: Uint8Array[] = await provider.loadPatchesSince(0)
  await provider.saveSnapshot(snapshot ?? new Uint8Array(0))
  await provider.saveSnapshot(new Uint8Array(1), patches.length)
  void provider.appendPatch(new Uint8Array([1]), 1)
  await provider.prunePatches(1)
  await provider.saveValue('hash', new Uint8Array(2))
  const value: Uint8Array | undefined = await provider.loadValue('hash')
  await provider.releaseValue('hash')
  await provider.close()

  const native = new SDS_NativePersistenceProvider('/var/lib/app/notes.db', 'notes')
  const bytes: number = await native.accumulatedBytes()
  const due: boolean = await native.checkpointDue()
  if (due) await native.checkpoint(value ?? new Uint8Array(0), bytes)
  const clock: number | undefined = await native.snapshotClock()
  const stats: SDS_StoreStats = await native.stats()
  await native.flush()
  const commits: number = native.queueStats().appendCommits
  const jsThreadCalls: number = native.queueStats().jsThreadCalls
  const options: SDS_NativeOptions = { jsThreadBudgetMs: 0 }
  const offThread = new SDS_NativePersistenceProvider('rocksdb:/var/lib/app/rocks', 'notes', options)
  await offThread.close()
  const id: string = native.storeId

  const database: SDS_NativeDatabase = await openDatabase('lmdb:/var/lib/app/db', { jsThreadBudgetMs: Infinity })
  void new SDS_NativeDatabase('sqlite:notes.db', options)
  const other: SDS_PersistenceProvider = database.store('other')
  const ids: string[] = await database.stores()
  await database.dropStore(ids[0])
  const storeCount: number = (await database.stats()).storeCount
  await other.close()
  await database.close()
  const schemes: string[] = backends()
  const engine: string = version
  try {
    await native.loadSnapshot()
  } catch (error) {
    const code: SDS_NativeError['code'] = (error as SDS_NativeError).code
    void [code, clock, stats, commits, jsThreadCalls, id, storeCount, schemes, engine]
  }
}
void application
