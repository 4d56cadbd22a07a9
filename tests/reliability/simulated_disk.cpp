#include "tests/reliability/simulated_disk.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <system_error>

namespace sds::test::reliability {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

const char* to_string(IoCall call) {
  static constexpr const char* kNames[] = {"read", "write", "sync"};
  return kNames[static_cast<int>(call)];
}

const char* to_string(Fault fault) {
  static constexpr const char* kNames[] = {"none", "EIO", "ENOSPC"};
  return kNames[static_cast<int>(fault)];
}

SimulatedDisk& SimulatedDisk::instance() {
  static SimulatedDisk disk;
  return disk;
}

void SimulatedDisk::start_recording(const std::string& root, std::uint64_t crash_after) {
  std::lock_guard lock(mutex_);
  root_ = root + "/";
  recording_ = true;
  crash_after_ = crash_after;
  changes_ = 0;
  crashed_ = false;
  files_.clear();
}

void SimulatedDisk::power_off(std::optional<std::uint64_t> writeback_seed) {
  std::lock_guard lock(mutex_);
  std::mt19937_64 random(writeback_seed.value_or(0));
  for (auto& [path, file] : files_) {
    std::error_code ignored;
    if (!file.durable_entry) {
      std::filesystem::remove(path, ignored);
      continue;
    }
    if (writeback_seed) {
      for (const Change& change : file.pending) {
        if (random() % 2 == 0) apply(file.durable, change);
      }
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(file.durable.data(), static_cast<std::streamsize>(file.durable.size()));
  }
  files_.clear();
  recording_ = false;
  crashed_ = false;
  root_.clear();
}

void SimulatedDisk::stop() {
  std::lock_guard lock(mutex_);
  files_.clear();
  recording_ = false;
  crashed_ = false;
  fault_nth_ = 0;
  root_.clear();
}

std::uint64_t SimulatedDisk::changes() const {
  std::lock_guard lock(mutex_);
  return changes_;
}

bool SimulatedDisk::crashed() const {
  std::lock_guard lock(mutex_);
  return crashed_;
}

void SimulatedDisk::crash_now() {
  std::lock_guard lock(mutex_);
  crashed_ = true;
}

void SimulatedDisk::inject(const std::string& root, IoCall call, std::uint64_t nth, Fault fault) {
  std::lock_guard lock(mutex_);
  root_ = root + "/";
  fault_call_ = call;
  fault_nth_ = nth;
  fault_ = fault;
  fault_fired_ = false;
  for (auto& count : calls_) count = 0;
}

std::uint64_t SimulatedDisk::calls(IoCall call) const {
  std::lock_guard lock(mutex_);
  return calls_[static_cast<int>(call)];
}

bool SimulatedDisk::fault_fired() const {
  std::lock_guard lock(mutex_);
  return fault_fired_;
}

bool SimulatedDisk::under_root(std::string_view path) const {
  return !root_.empty() && path.starts_with(root_);
}

bool SimulatedDisk::covers(std::string_view path) const {
  std::lock_guard lock(mutex_);
  return under_root(path);
}

SimulatedDisk::File* SimulatedDisk::recorded(std::string_view path) {
  if (!recording_ || !under_root(path)) return nullptr;
  const auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

Fault SimulatedDisk::before(IoCall call, std::string_view path) {
  std::lock_guard lock(mutex_);
  if (!under_root(path)) return Fault::none;
  if (crashed_ && call != IoCall::read) return Fault::io_error;
  const std::uint64_t count = ++calls_[static_cast<int>(call)];
  if (fault_nth_ != 0 && call == fault_call_ && count == fault_nth_) {
    fault_fired_ = true;
    return fault_;
  }
  return Fault::none;
}

void SimulatedDisk::opening(std::string_view path) {
  std::lock_guard lock(mutex_);
  if (!recording_ || !under_root(path) || files_.contains(path)) return;
  File file;
  const std::string name(path);
  std::error_code error;
  // A file from before the recording began is durable as it is.
  if (std::filesystem::exists(name, error)) {
    file.durable_entry = true;
    file.durable = read_file(name);
  }
  files_.emplace(name, std::move(file));
}

void SimulatedDisk::count_change() {
  if (++changes_ == crash_after_) crashed_ = true;
}

void SimulatedDisk::apply(std::string& image, const Change& change) {
  if (change.truncate) {
    image.resize(change.offset);
    return;
  }
  if (image.size() < change.offset + change.data.size()) {
    image.resize(change.offset + change.data.size());
  }
  image.replace(change.offset, change.data.size(), change.data);
}

void SimulatedDisk::wrote(std::string_view path, std::uint64_t offset, const void* data,
                          std::size_t size, bool durable) {
  std::lock_guard lock(mutex_);
  File* file = recorded(path);
  if (!file) return;
  Change change{offset, std::string(static_cast<const char*>(data), size), false};
  // Applied again at the next sync, in order with the changes before it.
  if (durable) apply(file->durable, change);
  file->pending.push_back(std::move(change));
  count_change();
}

void SimulatedDisk::truncated(std::string_view path, std::uint64_t size) {
  std::lock_guard lock(mutex_);
  File* file = recorded(path);
  if (!file) return;
  file->pending.push_back(Change{size, {}, true});
  count_change();
}

void SimulatedDisk::synced(std::string_view path) {
  std::lock_guard lock(mutex_);
  File* file = recorded(path);
  if (!file) return;
  for (const Change& change : file->pending) apply(file->durable, change);
  file->pending.clear();
  file->durable_entry = true;
  count_change();
}

void SimulatedDisk::directory_synced(std::string_view directory) {
  std::lock_guard lock(mutex_);
  if (!recording_) return;
  std::string prefix(directory);
  if (!prefix.ends_with('/')) prefix += '/';
  for (auto& [path, file] : files_) {
    if (path.starts_with(prefix) && path.find('/', prefix.size()) == std::string::npos) {
      file.durable_entry = true;
    }
  }
}

void SimulatedDisk::removed(std::string_view path) {
  std::lock_guard lock(mutex_);
  if (recorded(path)) files_.erase(files_.find(path));
}

void SimulatedDisk::renamed(std::string_view from, std::string_view to) {
  std::lock_guard lock(mutex_);
  File* file = recorded(from);
  if (!file) return;
  File moved = std::move(*file);
  files_.erase(files_.find(from));
  files_.insert_or_assign(std::string(to), std::move(moved));
}

}  // namespace sds::test::reliability
