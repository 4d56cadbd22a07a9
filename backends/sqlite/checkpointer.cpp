#include "backends/sqlite/checkpointer.hpp"

#include <unistd.h>

namespace sds::backend::sqlite {
namespace {

// Passive: never waits for readers or writers. What it cannot copy now, a
// later checkpoint copies; its errors are a later one's too (the commits
// stand whatever happens here).
void passive_checkpoint(sqlite3* db) {
  sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
}

}  // namespace

std::int64_t wal_size_limit(std::int64_t page_size) {
  // Frames are a 24-byte header and a page; 64 frames more leave room for the
  // commit that crosses the limit.
  constexpr std::int64_t kFrames = kWalHardFrames + 64;
  return 32 + kFrames * (24 + page_size);
}

Checkpointer::Checkpointer(sqlite3* writer, const ConnectionSettings& settings, bool own_thread)
    : writer_(writer), settings_(settings), own_thread_(own_thread) {
  sqlite3_wal_hook(writer_, &Checkpointer::committed, this);
}

Checkpointer::~Checkpointer() {
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  if (!thread_) return;
  if (process_ != getpid()) {
    // The thread, and whoever held these mutexes at the fork, live on in the
    // parent only.
    static_cast<void>(thread_.release());
    static_cast<void>(connection_.release());
    return;
  }
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_->join();
}

int Checkpointer::committed(void* self, sqlite3*, const char*, int frames) {
  auto& checkpointer = *static_cast<Checkpointer*>(self);
  if (frames < checkpointer.frames_) checkpointer.commits_ = 0;  // the WAL started afresh
  checkpointer.frames_ = frames;
  ++checkpointer.commits_;
  if (frames < kWalCheckpointFrames) return SQLITE_OK;
  if (frames >= kWalHardFrames) {
    // The thread did not catch up with the writer: the writer checkpoints
    // itself, so that the WAL stays bounded.
    checkpointer.checkpoint_now();
  } else if (!checkpointer.own_thread_ || frames / checkpointer.commits_ < kLargeCommitFrames) {
    // Small commits (appends) change few pages, which a checkpoint copies
    // quickly: no handing over, as SQLite's own. (SQLITE_BUSY while the
    // thread checkpoints: the next commit tries again.)
    passive_checkpoint(checkpointer.writer_);
  } else {
    checkpointer.request();
  }
  return SQLITE_OK;
}

void Checkpointer::checkpoint_now() {
  const auto paused = pause();
  passive_checkpoint(writer_);
}

void Checkpointer::request() {
  if (thread_ && process_ != getpid()) return;  // a forked child: no thread
  {
    std::lock_guard lock(mutex_);
    if (due_) return;
    due_ = true;
    if (!thread_) {
      process_ = getpid();
      thread_ = std::make_unique<std::thread>([this] { run(); });
    }
  }
  wake_.notify_one();
}

void Checkpointer::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return due_ || stop_; });
    if (stop_) break;
    due_ = false;
    lock.unlock();
    {
      const auto running = pause();
      try {
        // With the writer's synchronous level: its checkpoints sync as the
        // writer's would (section 9.2).
        if (!connection_) connection_ = std::make_unique<Connection>(settings_, false);
        passive_checkpoint(connection_->get());
      } catch (const Error&) {
        // Opening failed: the writer's checkpoint at the hard limit remains.
      }
    }
    lock.lock();
  }
  lock.unlock();
  connection_.reset();
}

}  // namespace sds::backend::sqlite
