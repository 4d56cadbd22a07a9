// A model of a disk below a backend, for the power-loss and fault-injection
// suites (docs/DESIGN.md section 9.4). The backend's I/O still goes to the
// real files; the shims below each library (sqlite_vfs_shim, rocksdb_fault_fs,
// lmdb_io_interposer) tell this model what they did, and ask it first whether
// to fail.
//
// Power loss: for every file under the recorded directory, the model keeps
// what a power loss would leave of it (its durable image: the file as it was
// at its last sync) and the changes made since. After the k-th change (a
// write, a truncation or a sync) the machine is "off": every later change
// fails without effect. power_off() then writes each durable image out as the
// file, and removes the files whose directory entry was never made durable.
//
// Faults: the n-th read, write or sync under the directory fails, once, with
// an I/O error or "no space".
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sds::test::reliability {

enum class IoCall : std::uint8_t { read, write, sync };
enum class Fault : std::uint8_t { none, io_error, no_space };

const char* to_string(IoCall call);
const char* to_string(Fault fault);

class SimulatedDisk {
 public:
  // The one model of the process: the shims are process-wide too.
  static SimulatedDisk& instance();

  // Records every file opened under `root` from now on. After the
  // `crash_after`-th change the power is off (0: never).
  void start_recording(const std::string& root, std::uint64_t crash_after);
  // Writes every recorded file as a power loss leaves it, then stops recording.
  // With a seed, the operating system had written back a random part of each
  // file's unsynced changes (each whole, in order) before the power went.
  void power_off(std::optional<std::uint64_t> writeback_seed = std::nullopt);
  // Stops recording and injecting; the files stay as they are.
  void stop();
  std::uint64_t changes() const;
  bool crashed() const;
  // The power goes off now.
  void crash_now();

  // Makes the `nth` call of `call` under `root`, counted from now, fail once
  // with `fault`.
  void inject(const std::string& root, IoCall call, std::uint64_t nth, Fault fault);
  std::uint64_t calls(IoCall call) const;
  bool fault_fired() const;

  // For the shims. Each returns at once for a path outside the directory.
  // Whether `path` is in the directory recorded or injected into.
  bool covers(std::string_view path) const;
  // Before any call: the fault the call must return instead of running (a
  // change after the power is off fails as an I/O error).
  Fault before(IoCall call, std::string_view path);
  // Before a file is opened for writing (it may not exist yet).
  void opening(std::string_view path);
  // After a write; `durable`: the file was opened with O_DSYNC or O_SYNC.
  void wrote(std::string_view path, std::uint64_t offset, const void* data, std::size_t size,
             bool durable = false);
  void truncated(std::string_view path, std::uint64_t size);
  // After a file's data was synced: its changes so far, and its directory
  // entry, survive a power loss.
  void synced(std::string_view path);
  // After a directory was synced: the entries of the files in it survive.
  void directory_synced(std::string_view directory);
  // Removals and renames survive at once (docs/DESIGN.md section 9.4).
  void removed(std::string_view path);
  void renamed(std::string_view from, std::string_view to);

 private:
  struct Change {
    std::uint64_t offset = 0;
    std::string data;
    bool truncate = false;  // to `offset`
  };
  struct File {
    bool durable_entry = false;  // the directory entry survives a power loss
    std::string durable;         // what the data survives as
    std::vector<Change> pending;
  };

  bool under_root(std::string_view path) const;
  File* recorded(std::string_view path);
  void count_change();
  static void apply(std::string& image, const Change& change);

  mutable std::mutex mutex_;
  std::string root_;  // with a trailing '/'; empty: nothing recorded or injected
  bool recording_ = false;
  std::uint64_t crash_after_ = 0;
  std::uint64_t changes_ = 0;
  bool crashed_ = false;
  std::map<std::string, File, std::less<>> files_;

  IoCall fault_call_ = IoCall::read;
  std::uint64_t fault_nth_ = 0;  // 0: nothing injected
  Fault fault_ = Fault::none;
  bool fault_fired_ = false;
  std::uint64_t calls_[3] = {};
};

}  // namespace sds::test::reliability
