// When and where the writer's WAL is checkpointed (docs/DESIGN.md section
// 16.4): after commits of large values, on a thread with a connection of its
// own, so that no commit waits for the copy; after small commits, and past a
// hard limit, in the commit, as SQLite's automatic checkpoint does.
#pragma once

#include <sqlite3.h>
#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "backends/sqlite/connection.hpp"

namespace sds::backend::sqlite {

// Frames in the WAL after a commit from which it is checkpointed (SQLite's
// own automatic checkpoint starts at the same number); from which the writer
// checkpoints it itself, waiting for the thread's checkpoint first; and the
// frames per commit from which commits count as large.
constexpr int kWalCheckpointFrames = 1000;
constexpr int kWalHardFrames = 4000;
constexpr int kLargeCommitFrames = 16;

// The size a WAL is cut back to when a commit starts it afresh
// (PRAGMA journal_size_limit, docs/DESIGN.md section 16.2): what the hard
// limit lets it reach on pages of `page_size` bytes, so that only a WAL that
// a large transaction made larger is cut.
std::int64_t wal_size_limit(std::int64_t page_size);

class Checkpointer {
 public:
  // Becomes the WAL hook of `writer` (in place of SQLite's automatic
  // checkpoint). With `own_thread`, large commits are checkpointed on a
  // thread whose connection opens with `settings`; without (one connection
  // per database: locking=exclusive), on the writer too.
  Checkpointer(sqlite3* writer, const ConnectionSettings& settings, bool own_thread);
  // Waits for a checkpoint under way, then ends the thread and closes its
  // connection. In a child forked meanwhile, which has no such thread (and
  // where a mutex the thread held at the fork stays locked), it leaves them
  // alone (docs/DESIGN.md section 11.5).
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // A passive checkpoint on the writer now, after the thread's under way.
  void checkpoint_now();

  // Holds off the thread's checkpoints while it lives: SQLite runs one
  // checkpoint at a time per database and answers another with SQLITE_BUSY.
  std::unique_lock<std::mutex> pause() { return std::unique_lock(running_); }

 private:
  static int committed(void* self, sqlite3* db, const char* name, int frames);
  // Wakes the thread (starting it the first time) and returns at once.
  void request();
  void run();

  sqlite3* writer_;
  ConnectionSettings settings_;
  bool own_thread_;
  // Of the writer's commits, on the writer's thread.
  int frames_ = 0;   // in the WAL after the last commit
  int commits_ = 0;  // since the WAL started afresh

  std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stop_ = false;
  std::mutex running_;                      // held by a checkpoint under way
  std::unique_ptr<Connection> connection_;  // the thread's, opened by it
  std::unique_ptr<std::thread> thread_;     // from the first request
  pid_t process_ = 0;                       // that started the thread
};

}  // namespace sds::backend::sqlite
