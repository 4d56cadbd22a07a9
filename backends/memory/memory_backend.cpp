#include "backends/memory/memory_backend.hpp"

#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "sds/error.hpp"

namespace sds::backend {
namespace {

using Map = std::map<std::string, Bytes, std::less<>>;

ByteView view_of(const Bytes& value) { return {value.data(), value.size()}; }

std::optional<ByteView> find_value(const Map& map, std::string_view key) {
  const auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return view_of(it->second);
}

void scan_map(const Map& map, std::string_view from, std::string_view to,
              const kv::ScanVisitor& visit) {
  const auto end = to.empty() ? map.end() : map.lower_bound(to);
  for (auto it = map.lower_bound(from); it != end; ++it) {
    if (!visit(it->first, view_of(it->second))) return;
  }
}

class MemoryRead final : public kv::ReadTransaction {
 public:
  explicit MemoryRead(const Map& map) : map_(map) {}
  std::optional<ByteView> get(std::string_view key) override { return find_value(map_, key); }
  void scan(std::string_view from, std::string_view to, const kv::ScanVisitor& visit) override {
    scan_map(map_, from, to, visit);
  }

 private:
  const Map& map_;
};

// Writes go straight into the map; the values they replace are moved into an
// undo log that a rollback replays backwards.
class MemoryWrite final : public kv::WriteTransaction {
 public:
  explicit MemoryWrite(Map& map) : map_(map) {}

  std::optional<ByteView> get(std::string_view key) override { return find_value(map_, key); }
  void scan(std::string_view from, std::string_view to, const kv::ScanVisitor& visit) override {
    scan_map(map_, from, to, visit);
  }
  void put(std::string_view key, ByteView value) override {
    Bytes copy(value.begin(), value.end());
    auto it = map_.find(key);
    if (it == map_.end()) {
      undo_.push_back({std::string(key), std::nullopt});
      map_.emplace(std::string(key), std::move(copy));
    } else {
      undo_.push_back({it->first, std::move(it->second)});
      it->second = std::move(copy);
    }
  }
  void erase(std::string_view key) override {
    const auto it = map_.find(key);
    if (it == map_.end()) return;
    undo_.push_back({it->first, std::move(it->second)});
    map_.erase(it);
  }
  void erase_range(std::string_view from, std::string_view to) override {
    if (from >= to) return;  // an empty range: `it` would never meet `end`
    auto it = map_.lower_bound(from);
    const auto end = map_.lower_bound(to);
    while (it != end) {
      undo_.push_back({it->first, std::move(it->second)});
      it = map_.erase(it);
    }
  }

  void nested(const std::function<void(kv::WriteTransaction&)>& fn) override {
    const std::size_t mark = undo_.size();
    try {
      fn(*this);
    } catch (...) {
      rollback_to(mark);
      throw;
    }
  }

  void rollback() { rollback_to(0); }

 private:
  // Undoes the writes logged after `mark`, newest first.
  void rollback_to(std::size_t mark) {
    while (undo_.size() > mark) {
      Undo& entry = undo_.back();
      if (entry.old_value) {
        map_[entry.key] = std::move(*entry.old_value);
      } else {
        map_.erase(entry.key);
      }
      undo_.pop_back();
    }
  }

  struct Undo {
    std::string key;
    std::optional<Bytes> old_value;  // nullopt: the key did not exist
  };
  Map& map_;
  std::vector<Undo> undo_;
};

class MemoryBackend final : public kv::Backend {
 public:
  void view(const std::function<void(kv::ReadTransaction&)>& fn) override {
    std::shared_lock lock(mutex_);
    MemoryRead txn(map_);
    fn(txn);
  }

  void update(const std::function<void(kv::WriteTransaction&)>& fn) override {
    std::unique_lock lock(mutex_);
    MemoryWrite txn(map_);
    try {
      fn(txn);
    } catch (...) {
      txn.rollback();
      throw;
    }
  }

  void flush() override {}  // nothing outlives the process anyway

 private:
  std::shared_mutex mutex_;
  Map map_;
};

// Open-for-writing guard: a read-only open refuses update() with a clear error.
class ReadOnly final : public kv::Backend {
 public:
  ReadOnly(std::shared_ptr<kv::Backend> inner, std::string uri)
      : inner_(std::move(inner)), uri_(std::move(uri)) {}
  void view(const std::function<void(kv::ReadTransaction&)>& fn) override { inner_->view(fn); }
  void update(const std::function<void(kv::WriteTransaction&)>&) override {
    throw Error(Errc::unsupported,
                "cannot write to " + core::in_quotes(uri_) + ": it is open read-only",
                "open it for writing");
  }
  void flush() override {}

 private:
  std::shared_ptr<kv::Backend> inner_;
  std::string uri_;
};

std::shared_ptr<kv::Backend> open_memory(const BackendConfig& config) {
  if (config.path.empty()) {
    if (config.read_only) {
      throw Error(Errc::not_found,
                  "cannot open " + core::in_quotes(config.uri) +
                      " read-only: a private memory database starts empty",
                  "name a memory database this process wrote to, as memory:NAME");
    }
    return std::make_shared<MemoryBackend>();
  }
  // Named databases live as long as the process, so a reopen finds its data.
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<MemoryBackend>> named;
  std::lock_guard lock(mutex);
  auto it = named.find(config.path);
  if (it == named.end()) {
    if (config.read_only) {
      throw Error(Errc::not_found,
                  "cannot open " + core::in_quotes(config.uri) +
                      " read-only: no memory database of that name exists",
                  "a memory database lives only in the process that wrote it");
    }
    it = named.emplace(config.path, std::make_shared<MemoryBackend>()).first;
  }
  if (config.read_only) return std::make_shared<ReadOnly>(it->second, config.uri);
  return it->second;
}

}  // namespace

BackendInfo memory_backend() {
  BackendInfo info;
  info.scheme = "memory";
  info.description =
      "in-process map; memory: is private to each open, memory:NAME is shared by name "
      "until the process ends";
  info.path_kind = PathKind::name;
  info.private_paths = {""};
  // Nothing outlives the process, no other process sees it, nothing to compact.
  info.capabilities = {};
  info.open_kv = open_memory;
  return info;
}

}  // namespace sds::backend
