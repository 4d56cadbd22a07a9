// A VFS over SQLite's default one that gathers the frames a transaction
// writes to the WAL and hands them to the operating system in few writes, at
// the latest when the transaction's commit frame is written (docs/DESIGN.md
// section 16.1). Every other call goes straight to the default VFS.
#pragma once

namespace sds::backend::sqlite {

// The name to open connections with (sqlite3_open_v2's zVfs), registered on
// the first call. Its files forward to whatever VFS is SQLite's default when
// they are opened, so a VFS a test registers as the default stays under it.
const char* wal_buffer_vfs();

}  // namespace sds::backend::sqlite
