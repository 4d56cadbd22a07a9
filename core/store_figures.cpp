#include "core/store_figures.hpp"

#include <limits>

#include "core/catalog.hpp"
#include "core/keys.hpp"
#include "core/payloads.hpp"
#include "core/record.hpp"

namespace sds::core {

std::uint64_t patch_bytes_after(kv::ReadTransaction& txn, std::uint64_t store,
                                std::optional<Clock> snapshot_clock) {
  if (snapshot_clock == std::numeric_limits<Clock>::max()) return 0;
  const Clock from = snapshot_clock ? *snapshot_clock + 1 : 0;
  std::uint64_t total = 0;
  txn.scan(keys::patch(store, from), keys::patches_end(store),
           [&](std::string_view, ByteView stored) {
             const std::uint64_t size = peek_raw_size(stored);
             const std::uint64_t room = std::numeric_limits<std::uint64_t>::max() - total;
             total += size < room ? size : room;  // forged sizes must not wrap
             return true;
           });
  return total;
}

StoreFigures load_figures(kv::ReadTransaction& txn, std::string_view store_id,
                          std::string_view where) {
  StoreFigures figures;
  figures.number = find_store(txn, store_id, where);
  if (!figures.number) return figures;
  const std::string meta_key = keys::meta(*figures.number);
  if (const auto meta = txn.get(meta_key)) {
    figures.snapshot_clock =
        parse_snapshot_header(open_record(meta_key, *meta, where).payload, where).clock;
  }
  figures.accumulated = patch_bytes_after(txn, *figures.number, figures.snapshot_clock);
  return figures;
}

}  // namespace sds::core
