// A RocksDB FileSystemWrapper that reports each file's appends, syncs,
// truncations, renames and deletions, and each directory's syncs, to the
// SimulatedDisk, and fails them (and reads) when the model says so:
// IOStatus::IOError for an I/O error, IOStatus::NoSpace for "no space". Test
// code only: the rocksdb: backend puts it under the Env of every database
// (rocks::set_base_file_system), which must happen before the process opens
// its first RocksDB database.
#pragma once

namespace sds::test::reliability {

// Puts the file system under the rocksdb: backend (once per process); throws
// when a database was opened before.
void install_rocksdb_fault_fs();

}  // namespace sds::test::reliability
