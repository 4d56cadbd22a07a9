#include "core/maintenance/batch_scan.hpp"

namespace sds::core::maintenance {
namespace {

constexpr std::size_t kBatchCount = 4096;

}  // namespace

void scan_batches(kv::Backend& db, std::string_view from, std::string_view to,
                  const std::function<bool(std::vector<KvEntry>& batch)>& fn) {
  std::string cursor(from);
  std::vector<KvEntry> batch;
  bool more = true;
  while (more) {
    batch.clear();
    more = false;
    db.view([&](kv::ReadTransaction& txn) {
      batch.clear();
      std::size_t bytes = 0;
      txn.scan(cursor, to, [&](std::string_view key, ByteView value) {
        if (bytes >= kBatchBytes || batch.size() >= kBatchCount) {
          more = true;
          return false;
        }
        batch.push_back({std::string(key), Bytes(value.begin(), value.end())});
        bytes += value.size();
        return true;
      });
    });
    if (batch.empty()) return;
    // The smallest key after the last one seen.
    cursor = batch.back().key;
    cursor.push_back('\0');
    if (!fn(batch)) return;
  }
}

}  // namespace sds::core::maintenance
