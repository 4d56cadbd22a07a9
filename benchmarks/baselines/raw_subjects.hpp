// The raw-library baselines: each backend's library used directly, with the
// engine's semantics (an append at a known clock is ignored, the first blob
// saved under a hash is kept) and the same durability per sync mode, but none
// of the engine's work (record framing, checksums, compression, reference
// counts, catalog, locks). The engine's overhead is a ratio to these.
#pragma once

namespace sds::baselines {

// Registers, as workloads subject schemes, those of this build's backends:
// raw-sqlite and raw-sqlite-rowid, raw-lmdb, raw-rocksdb.
void register_raw_subjects();

}  // namespace sds::baselines
