// A SQLite VFS over the default one that reports each file's writes, syncs,
// truncations and deletions to the SimulatedDisk, and fails them (and reads)
// when the model says so: SQLITE_IOERR_* for an I/O error, SQLITE_FULL for
// "no space". Test code only: the engine opens files through SQLite's default
// VFS, so registering this one as the default puts it under every connection
// the process opens later, without a change to the engine.
#pragma once

#include <string>

namespace sds::test::reliability {

// Registers the shim as SQLite's default VFS (once per process).
void install_sqlite_vfs_shim();

// After power_off(): what else a power loss takes. SQLite's shared-memory
// index (`-shm`) lives in memory, so it never survives one; SQLite rebuilds it
// from the WAL at the next open.
void remove_sqlite_shared_memory(const std::string& database_file);

}  // namespace sds::test::reliability
