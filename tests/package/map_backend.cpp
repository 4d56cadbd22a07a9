#include "map_backend.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sds/kv.hpp>
#include <string>
#include <vector>

namespace mapkv {
namespace {

using Map = std::map<std::string, sds::Bytes, std::less<>>;

// One database: the map and the mutex that serializes every transaction.
struct Data {
  std::mutex mutex;
  Map map;
};

sds::ByteView view_of(const sds::Bytes& value) { return {value.data(), value.size()}; }

class Read : public sds::kv::ReadTransaction {
 public:
  explicit Read(Map& map) : map_(map) {}
  std::optional<sds::ByteView> get(std::string_view key) override {
    const auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    return view_of(it->second);
  }
  void scan(std::string_view from, std::string_view to,
            const sds::kv::ScanVisitor& visit) override {
    const auto end = to.empty() ? map_.end() : map_.lower_bound(to);
    for (auto it = map_.lower_bound(from); it != end; ++it) {
      if (!visit(it->first, view_of(it->second))) return;
    }
  }

 protected:
  Map& map_;
};

// Writes change the map at once and remember what they replaced; when the
// function of update() throws, undo() puts it back, newest first.
class Write final : public sds::kv::WriteTransaction {
 public:
  explicit Write(Map& map) : map_(map) {}
  std::optional<sds::ByteView> get(std::string_view key) override { return Read(map_).get(key); }
  void scan(std::string_view from, std::string_view to,
            const sds::kv::ScanVisitor& visit) override {
    Read(map_).scan(from, to, visit);
  }
  void put(std::string_view key, sds::ByteView value) override {
    remember(key);
    map_.insert_or_assign(std::string(key), sds::Bytes(value.begin(), value.end()));
  }
  void erase(std::string_view key) override {
    remember(key);
    if (const auto it = map_.find(key); it != map_.end()) map_.erase(it);
  }
  void erase_range(std::string_view from, std::string_view to) override {
    if (from >= to) return;  // no key lies in an empty or inverted range
    const auto end = map_.lower_bound(to);
    for (auto it = map_.lower_bound(from); it != end;) {
      undo_.push_back({it->first, std::move(it->second)});
      it = map_.erase(it);
    }
  }
  // A nested transaction is a mark in the undo log: a throwing `fn` is
  // undone back to it.
  void nested(const std::function<void(sds::kv::WriteTransaction&)>& fn) override {
    const std::size_t mark = undo_.size();
    try {
      fn(*this);
    } catch (...) {
      undo(mark);
      throw;
    }
  }
  void undo(std::size_t mark = 0) {
    while (undo_.size() > mark) {
      Before& last = undo_.back();
      if (last.before) {
        map_.insert_or_assign(last.key, std::move(*last.before));
      } else {
        map_.erase(last.key);
      }
      undo_.pop_back();
    }
  }

 private:
  struct Before {
    std::string key;
    std::optional<sds::Bytes> before;  // nullopt: there was no such key
  };
  void remember(std::string_view key) {
    const auto it = map_.find(key);
    undo_.push_back({std::string(key),
                     it == map_.end() ? std::nullopt : std::optional<sds::Bytes>(it->second)});
  }

  Map& map_;
  std::vector<Before> undo_;
};

class MapBackend final : public sds::kv::Backend {
 public:
  MapBackend(std::shared_ptr<Data> data, std::string uri, bool read_only)
      : data_(std::move(data)), uri_(std::move(uri)), read_only_(read_only) {}

  void view(const std::function<void(sds::kv::ReadTransaction&)>& fn) override {
    std::lock_guard lock(data_->mutex);
    Read txn(data_->map);
    fn(txn);
  }

  void update(const std::function<void(sds::kv::WriteTransaction&)>& fn) override {
    if (read_only_) {
      throw sds::Error(sds::Errc::unsupported, "cannot write to '" + uri_ + "': open read-only");
    }
    std::lock_guard lock(data_->mutex);
    Write txn(data_->map);
    try {
      fn(txn);
    } catch (...) {
      txn.undo();
      throw;
    }
  }

  void flush() override {}  // nothing outlives the process

 private:
  std::shared_ptr<Data> data_;
  std::string uri_;
  bool read_only_;
};

std::shared_ptr<sds::kv::Backend> open_map(const sds::BackendConfig& config) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<Data>> databases;
  std::lock_guard lock(mutex);
  auto it = databases.find(config.path);
  if (it == databases.end()) {
    if (config.read_only) {
      throw sds::Error(sds::Errc::not_found,
                       "cannot open '" + config.uri + "' read-only: no map of that name exists");
    }
    it = databases.emplace(config.path, std::make_shared<Data>()).first;
  }
  return std::make_shared<MapBackend>(it->second, config.uri, config.read_only);
}

}  // namespace

sds::BackendInfo backend_info() {
  sds::BackendInfo info;
  info.scheme = "mapkv";
  info.description = "a std::map per name, until the process ends (an out-of-tree example)";
  info.path_kind = sds::PathKind::name;
  info.capabilities = {};  // not persistent, one process, no compaction, no size on disk
  info.open_kv = open_map;
  return info;
}

}  // namespace mapkv
