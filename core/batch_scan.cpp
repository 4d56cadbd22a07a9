#include "core/batch_scan.hpp"

namespace sds::core {

std::optional<std::string> scan_batch(
    kv::ReadTransaction& txn, std::string_view from, std::string_view to,
    const std::function<void(std::string_view key, ByteView value)>& take) {
  std::size_t count = 0;
  std::size_t bytes = 0;
  std::optional<std::string> rest;
  txn.scan(from, to, [&](std::string_view key, ByteView value) {
    if (count >= kBatchCount || bytes >= kBatchBytes) {
      rest = std::string(key);
      return false;
    }
    take(key, value);
    ++count;
    bytes += value.size();
    return true;
  });
  return rest;
}

void scan_batches(kv::Backend& db, std::string_view from, std::string_view to,
                  const std::function<bool(std::vector<KvEntry>& batch)>& fn) {
  std::optional<std::string> cursor{std::string(from)};
  std::vector<KvEntry> batch;
  while (cursor) {
    std::optional<std::string> rest;
    db.view([&](kv::ReadTransaction& txn) {
      batch.clear();
      rest = scan_batch(txn, *cursor, to, [&](std::string_view key, ByteView value) {
        batch.push_back({std::string(key), Bytes(value.begin(), value.end())});
      });
    });
    if (batch.empty() || !fn(batch)) return;
    cursor = std::move(rest);
  }
}

}  // namespace sds::core
