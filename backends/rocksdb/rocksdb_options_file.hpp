// The backend's Env (internal to the rocksdb: backend): RocksDB's OPTIONS
// file written without syncs, and its info LOG written as far as the disk
// allows (rocksdb_options_file.cpp says why).
//
// Every DB::Open writes the options it was given to a new OPTIONS file and
// syncs it and the directory: two of the five synchronous writes of an open,
// about 4 ms each on a virtual disk. Nothing reads that file back: the backend
// passes its options in code, and RocksDB itself treats the file as best
// effort (an open succeeds when writing it fails, unless
// fail_if_options_file_error is set). Only tools such as `ldb` read it, and
// after a power loss they find the previous one or none. The data, the
// MANIFEST, CURRENT and the WAL are synced exactly as before.
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <memory>

namespace sds::backend::rocks {

// The default Env, except that the OPTIONS file and its directory entry are
// not synced, and that the info LOG drops the lines a full disk refuses.
// Shared by every database the backend opens.
rocksdb::Env* env_without_options_file_syncs();

// The file system below that Env: the default one, unless a test below the
// backend (tests/reliability/rocksdb_fault_fs.*: simulated power loss,
// injected faults) sets its own before the first database of the process is
// opened. False once the Env exists. Internal: libsds does not export it.
bool set_base_file_system(std::shared_ptr<rocksdb::FileSystem> file_system);

}  // namespace sds::backend::rocks
