// LMDB does its own I/O on data.mdb with plain libc calls, and has no VFS or
// Env to wrap. So this test program defines open, close, pread, pwrite,
// writev, ftruncate, fsync and fdatasync itself: the dynamic linker binds
// liblmdb's calls to these definitions, which report each call on a data.mdb
// in the SimulatedDisk's directory to the model, fail it when the model says
// so (EIO, ENOSPC), and otherwise call the C library's own. Every other file
// descriptor goes straight through. A write through a descriptor opened with
// O_DSYNC (LMDB's meta page under sync=full) is durable when it returns.
//
// Not simulated: LMDB's lock file (shared memory, rebuilt by the first open
// after a reboot, so it stays as it is), msync (LMDB calls it only with
// MDB_WRITEMAP, which the backend does not set), and the directory entry of
// data.mdb (LMDB never syncs the directory; the model makes the entry durable
// at the file's first sync).
#pragma once

namespace sds::test::reliability {

// Starts reporting LMDB's calls (once per process); until then every call
// goes straight through.
void install_lmdb_io_interposer();

}  // namespace sds::test::reliability
