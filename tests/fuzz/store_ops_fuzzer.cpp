// A sequence of operations (append, snapshot, checkpoint, prune, blobs,
// batches, drop, reopen...) on the memory backend, through the whole core,
// compared after each one with the contract's model (store_model.hpp,
// docs/DESIGN.md section 4). The stores and hashes are few and prefixes of
// each other, and the clocks include 0 and 2^64-1, so that operations collide.
//
// The database is the scheme `fuzzmem:`, registered here: the memory
// backend's map, kept across reopens within one input and dropped after it
// (memory:NAME would keep every input's map until the process ends).
#include <array>
#include <deque>
#include <memory>

#include "backends/memory/memory_backend.hpp"
#include "sds/sds.hpp"
#include "tests/fuzz/fuzz_input.hpp"
#include "tests/fuzz/store_model.hpp"

namespace {

using sds::fuzz::check;
using sds::fuzz::FuzzInput;
using sds::fuzz::Model;

const std::array<std::string, 4> kIds = {"a", "ab", std::string("a\0", 2), "b"};
const std::array<std::string, 3> kHashes = {"h", "hh", std::string("h\0", 2)};
constexpr sds::Clock kMax = ~sds::Clock{0};
const std::array<sds::Clock, 6> kFarClocks = {
    std::uint64_t{1} << 32, std::uint64_t{1} << 53, kMax / 2, kMax - 2, kMax - 1, kMax};

std::shared_ptr<sds::kv::Backend> current_map;

void register_scheme() {
  sds::BackendInfo info = sds::backend::memory_backend();
  info.scheme = "fuzzmem";
  info.description = "the memory backend's map of the current fuzz input";
  info.private_paths.clear();
  info.open_kv = [base = info.open_kv](const sds::BackendConfig& config) {
    if (!current_map) {
      sds::BackendConfig fresh = config;
      fresh.path.clear();  // a private map
      current_map = base(fresh);
    }
    return current_map;
  };
  sds::register_backend(std::move(info));
}

sds::Clock clock(FuzzInput& input) {
  const std::uint8_t how = input.byte();
  if (how < 224) return how % 12;
  return kFarClocks[how % kFarClocks.size()];
}

// Short values mostly; sometimes tens of KiB of a repeated pattern, which
// the core compresses.
sds::Bytes value(FuzzInput& input) {
  const std::uint8_t how = input.byte();
  const std::string head = input.take(how % 24);
  sds::Bytes out(head.begin(), head.end());
  if (how >= 248 && !out.empty()) {
    const std::size_t size = std::size_t{(how - 247u) * 12u} << 10;
    while (out.size() < size) out.push_back(out[out.size() % head.size()] ^ out.size() % 7);
  }
  return out;
}

template <class Fn>
sds::Errc error_of(Fn&& fn) {
  try {
    fn();
  } catch (const sds::Error& error) {
    return error.code();
  }
  sds::fuzz::violated("expected an sds::Error");
}

class Session {
 public:
  explicit Session(FuzzInput& input) : input_(input) { reopen(); }

  void run() {
    while (!input_.empty()) step();
    check_all();
  }

 private:
  sds::Store& store(const std::string& id) {
    auto& held = stores_[id];
    if (!held) held = db_->store(id);
    return *held;
  }

  void reopen() {
    for (auto& [id, store] : stores_) store->close();
    stores_.clear();
    if (db_) db_->close();
    const std::uint8_t how = input_.byte();
    checkpoint_bytes_ = how % 4 * 40;
    std::string uri = "fuzzmem:state?checkpoint_bytes=" + std::to_string(checkpoint_bytes_);
    if (how & 4) uri += "&compression=none";
    if (how & 8) uri += "&level=1";
    db_ = sds::open_database(uri);
  }

  void step() {
    const std::uint8_t op = input_.byte();
    const std::string& id = kIds[op >> 4 & 3];
    const std::string& hash = kHashes[(op >> 6) % kHashes.size()];
    switch (op % 13) {
      case 0: {
        const sds::Bytes patch = value(input_);
        const sds::Clock at = clock(input_);
        store(id).append_patch(patch, at);
        model_.append(id, patch, at);
        break;
      }
      case 1: {
        const sds::Bytes data = value(input_);
        const sds::Clock at = clock(input_);
        store(id).save_snapshot(data, at);
        model_.save_snapshot(id, data, at);
        break;
      }
      case 2: {
        const sds::Bytes data = value(input_);
        const sds::Clock at = clock(input_);
        Model before = model_;
        if (model_.checkpoint(id, data, at)) {
          store(id).checkpoint(data, at);
        } else {
          check(error_of([&] { store(id).checkpoint(data, at); }) == sds::Errc::invalid_argument,
                "a stale checkpoint is not invalid_argument");
          model_ = std::move(before);
        }
        break;
      }
      case 3: {
        const sds::Clock before = clock(input_);
        store(id).prune_patches(before);
        model_.stores[id].prune(before);
        break;
      }
      case 4: {
        const sds::Bytes data = value(input_);
        store(id).save_value(hash, data);
        model_.save_value(hash, data);
        break;
      }
      case 5:
        store(id).release_value(hash);
        model_.release_value(hash);
        break;
      case 6:
        check(store(id).retain_value(hash) == model_.retain_value(hash),
              "retain_value answers otherwise than the model");
        break;
      case 7:
        write_batch(id);
        break;
      case 8:
        if (model_.drop_store(id)) {
          db_->drop_store(id);
        } else {
          check(error_of([&] { db_->drop_store(id); }) == sds::Errc::not_found,
                "dropping a store that is not listed is not not_found");
        }
        break;
      case 9:
        reopen();
        check_all();
        break;
      case 10:
        check_patches_since(id, clock(input_));
        break;
      case 11:
        check_store(id);
        break;
      default:
        check_blob(hash);
        break;
    }
  }

  // A batch of up to 8 operations: all of them, or none when one fails.
  void write_batch(const std::string& id) {
    sds::WriteBatch batch;
    std::deque<sds::Bytes> data;  // the batch refers to these
    Model after = model_;
    bool fails = false;
    const int count = input_.byte() % 8 + 1;
    for (int i = 0; i < count; ++i) {
      const std::uint8_t op = input_.byte();
      const std::string& hash = kHashes[(op >> 4) % kHashes.size()];
      switch (op % 6) {
        case 0:
          data.push_back(value(input_));
          batch.append_patch(data.back(), clock(input_));
          after.append(id, data.back(), batch.operations().back().clock);
          break;
        case 1:
          data.push_back(value(input_));
          batch.save_snapshot(data.back(), clock(input_));
          after.save_snapshot(id, data.back(), batch.operations().back().clock);
          break;
        case 2:
          data.push_back(value(input_));
          batch.checkpoint(data.back(), clock(input_));
          fails |= !after.checkpoint(id, data.back(), batch.operations().back().clock);
          break;
        case 3:
          batch.prune_patches(clock(input_));
          after.stores[id].prune(batch.operations().back().clock);
          break;
        case 4:
          data.push_back(value(input_));
          batch.save_value(hash, data.back());
          after.save_value(hash, data.back());
          break;
        default:
          batch.release_value(hash);
          after.release_value(hash);
          break;
      }
    }
    if (fails) {
      check(error_of([&] { store(id).write(batch); }) == sds::Errc::invalid_argument,
            "a batch with a stale checkpoint is not invalid_argument");
    } else {
      store(id).write(batch);
      model_ = std::move(after);
    }
  }

  const sds::fuzz::ModelStore& modelled(const std::string& id) {
    static const sds::fuzz::ModelStore kEmpty;
    const auto it = model_.stores.find(id);
    return it == model_.stores.end() ? kEmpty : it->second;
  }

  void check_patches_since(const std::string& id, sds::Clock since) {
    const auto& patches = modelled(id).patches;
    std::vector<sds::Bytes> expected;
    for (auto it = patches.upper_bound(since); it != patches.end(); ++it) {
      expected.push_back(it->second);
    }
    check(store(id).load_patches_since(since) == expected,
          "load_patches_since differs from the model");
    auto next = patches.upper_bound(since);
    store(id).visit_patches_since(since, [&](sds::Clock at, sds::ByteView patch) {
      check(next != patches.end() && next->first == at &&
                std::equal(patch.begin(), patch.end(), next->second.begin(), next->second.end()),
            "visit_patches_since differs from the model");
      ++next;
      return true;
    });
    check(next == patches.end(), "visit_patches_since stopped early");
  }

  void check_store(const std::string& id) {
    const sds::fuzz::ModelStore& expected = modelled(id);
    sds::Store& actual = store(id);
    const auto snapshot = actual.load_snapshot();
    check(snapshot.has_value() == expected.snapshot.has_value() &&
              (!snapshot || *snapshot == expected.snapshot->first),
          "load_snapshot differs from the model");
    check(actual.snapshot_clock() ==
              (expected.snapshot ? std::optional(expected.snapshot->second) : std::nullopt),
          "snapshot_clock differs from the model");
    check(actual.accumulated_bytes() == expected.accumulated(),
          "accumulated_bytes differs from the model");
    check(actual.checkpoint_due() == (expected.accumulated() >= checkpoint_bytes_),
          "checkpoint_due differs from the model");
    const sds::StoreStats stats = actual.stats(sds::StatsScope::store_only);
    check(stats.patch_count == expected.patches.size(), "patch_count differs from the model");
    check(stats.first_patch_clock == (expected.patches.empty()
                                          ? std::nullopt
                                          : std::optional(expected.patches.begin()->first)),
          "first_patch_clock differs from the model");
    check_patches_since(id, 0);
  }

  void check_blob(const std::string& hash) {
    const auto it = model_.blobs.find(hash);
    const auto loaded = store(kIds[0]).load_value(hash);
    check(
        loaded.has_value() == (it != model_.blobs.end()) && (!loaded || *loaded == it->second.data),
        "load_value differs from the model");
  }

  void check_all() {
    std::vector<std::string> listed;
    for (const auto& [id, store] : model_.stores) {
      if (store.listed) listed.push_back(id);
    }
    check(db_->stores() == listed, "stores() differs from the model");
    for (const std::string& id : kIds) check_store(id);
    for (const std::string& hash : kHashes) check_blob(hash);
    const sds::DatabaseStats stats = db_->stats();
    std::uint64_t blob_bytes = 0;
    for (const auto& [hash, blob] : model_.blobs) blob_bytes += blob.data.size();
    check(stats.store_count == listed.size() && stats.blob_count == model_.blobs.size() &&
              stats.blob_bytes == blob_bytes,
          "Database::stats() differs from the model");
  }

  FuzzInput& input_;
  Model model_;
  std::unique_ptr<sds::Database> db_;
  std::map<std::string, std::unique_ptr<sds::Store>> stores_;
  std::uint64_t checkpoint_bytes_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool registered = (register_scheme(), true);
  (void)registered;
  FuzzInput input(data, size);
  {
    Session session(input);
    session.run();
  }
  current_map.reset();  // every Database and Store of the input is closed
  return 0;
}
