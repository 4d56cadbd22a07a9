// lmdb:DIR, for embedded devices: one LMDB environment (a directory holding
// data.mdb and lock.mdb, created if missing) shared by several processes;
// readers never block the writer.
//
// Parameters: map_size (initial map, 64MiB by default; the map grows by
// itself when a write fills it, and follows the growth of other processes)
// and max_readers (126). sync=full keeps LMDB's default flags (two fsyncs per
// commit), sync=normal is MDB_NOMETASYNC (intact after a system crash, which
// may undo the last commit), sync=off is MDB_NOSYNC (a system crash may
// corrupt the environment: restore it from a backup or salvage it with
// mdb_dump/mdb_load). flush() is mdb_env_sync(force), as is a clean close.
// compact() writes a compacting copy and swaps it in, and refuses with
// Errc::busy while another process has the environment open.
#pragma once

#include "sds/registry.hpp"

namespace sds::backend {

BackendInfo lmdb_backend();

}  // namespace sds::backend
