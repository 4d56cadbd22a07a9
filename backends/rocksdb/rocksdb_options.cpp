#include "backends/rocksdb/rocksdb_options.hpp"

#include <rocksdb/table.h>

#include <cstddef>
#include <cstdint>

#include "backends/rocksdb/rocksdb_options_file.hpp"

namespace sds::backend::rocks {
namespace {

// Values from this size on go to blob files at flush, so compactions move a
// reference instead of rewriting the value each time it changes level. Patches
// (bytes to a few KiB, scanned in order) stay inline; snapshots and blobs,
// usually tens of KiB compressed and up to 512 MiB, are separated. Below about
// 64 KiB the extra read through the blob index costs more than the rewrites.
constexpr std::uint64_t kMinBlobSize = std::uint64_t{64} << 10;

// The memtable, and so the WAL behind it, holds every write since the last
// flush, the snapshots each checkpoint replaces included: the database takes
// up to two memtables more than its live data. Measured over 1,500 checkpoint
// cycles of a 256 KiB snapshot and 16 patches (sdsctl bench rocksdb:
// --workload steady_state --duration 1.5), the mean of the last 500 cycles was
// 14 MB with RocksDB's 64 MiB default, 8.8 MB with 8 MiB, 3.0 MB with 2 MiB,
// against 2.7 MB at cycle 10; appends ran as fast with each (about 10,000
// patches per flush at 2 MiB).
constexpr std::size_t kMemtableBytes = std::size_t{2} << 20;

// RocksDB's info LOG is rolled at open only: a database open for months
// would grow one file without bound.
constexpr std::size_t kMaxInfoLogBytes = std::size_t{1} << 20;

}  // namespace

rocksdb::Options database_options(bool read_only) {
  rocksdb::Options options;
  options.create_if_missing = !read_only;
  // DB::Open writes and syncs an OPTIONS file nobody reads back: two of the
  // five syncs of an open (rocksdb_options_file.hpp).
  options.env = env_without_options_file_syncs();
  options.write_buffer_size = kMemtableBytes;
  // Every append first looks its key up (the first append at a clock wins),
  // and the key is new: a bloom filter of the memtable's keys answers that
  // without searching the memtable's skip list. 2% of the memtable (42 KB)
  // holds about 30 bits per key for 200-byte patches. Measured on 100,000
  // appends of 200 bytes by RocksDB alone (a Get, then a Put, sync=normal):
  // 5.0 us of CPU per append without, 4.2 us with it. A table file's key
  // range already excludes a new clock, so table files get no filter.
  options.memtable_prefix_bloom_size_ratio = 0.02;
  options.memtable_whole_key_filtering = true;
  // An open loads every table file's index with this many threads, and
  // starts them whatever the number of files: starting 15 threads took
  // 0.6 ms of the 0.8 ms of a read-only open of a database of one table
  // file, on 2 cores. The backend's databases hold few table files (64 MiB
  // each beyond the first level; blob files are opened when first read).
  options.max_file_opening_threads = 1;
  // The core compresses snapshots and blobs itself (zstd, skipped where it does
  // not pay); compressing again costs CPU for nothing.
  options.compression = rocksdb::kNoCompression;
  options.bottommost_compression = rocksdb::kDisableCompressionOption;
  options.blob_compression_type = rocksdb::kNoCompression;
  options.enable_blob_files = true;
  options.min_blob_size = kMinBlobSize;
  options.enable_blob_garbage_collection = true;  // released blobs give space back
  // A torn WAL tail after power loss is cut off at the last whole write: the
  // database opens intact, the latest writes may be missing (sync=normal/off).
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  options.keep_log_file_num = 4;  // RocksDB's info LOG, one more per open
  options.max_log_file_size = kMaxInfoLogBytes;
  // INFO logs several lines per flush and compaction: about 200 bytes per
  // checkpoint cycle. Warnings and errors are still logged.
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  rocksdb::BlockBasedTableOptions table;
  table.checksum = rocksdb::kXXH3;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

}  // namespace sds::backend::rocks
