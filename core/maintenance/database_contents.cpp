#include "core/maintenance/database_contents.hpp"

#include <algorithm>

#include "core/keys.hpp"
#include "core/payloads.hpp"
#include "sds/contents.hpp"
#include "sds/error.hpp"

namespace sds::core::maintenance {
namespace {

// Turns what visit_contents() hands over into records.
class Encoder final : public ContentsVisitor {
 public:
  Encoder(ContentVisitor& visitor, const Progress& progress, const Compression& compression)
      : visitor_(visitor), progress_(progress), compression_(compression) {}

  void store(std::string_view id) override {
    visitor_.store(id);
    ++counts_.stores;
  }

  void snapshot(Clock clock, ByteView data) override {
    const Encoded encoded = compress(data, compression_);
    const SnapshotHeader header{clock, encoded.raw_size,
                                kRecordHeaderSize + encoded.payload.size()};
    // The header's payload, framed and opened again as every reader does.
    const std::string meta_suffix = keys::store_suffix({keys::StoreRecordKind::snapshot_header, 0});
    const std::string meta_key = keys::store_record(0, meta_suffix);
    const Bytes framed = encode_snapshot_header(meta_key, header);
    take(meta_suffix, open_record(meta_key, framed, {}));
    take(keys::store_suffix({keys::StoreRecordKind::snapshot, 0}),
         Record{encoded.codec, encoded.raw_size, encoded.payload});
  }

  void patch(Clock clock, ByteView data) override {
    take(keys::store_suffix({keys::StoreRecordKind::patch, clock}),
         Record{Codec::raw, data.size(), data});
  }

  void blob(std::string_view hash, std::int64_t ref_count, ByteView data) override {
    const Encoded encoded = compress(data, compression_);
    visitor_.blob(hash, ref_count, Record{encoded.codec, encoded.raw_size, encoded.payload});
    ++counts_.blobs;
    add_bytes(kRecordHeaderSize + encoded.payload.size());
  }

  ContentCounts counts() const { return counts_; }

 private:
  void take(const std::string& suffix, const Record& record) {
    visitor_.store_record(suffix, record);
    ++counts_.records;
    add_bytes(kRecordHeaderSize + record.payload.size());
  }

  void add_bytes(std::uint64_t bytes) {
    counts_.bytes += bytes;
    if (progress_) progress_(counts_.bytes, 0);  // the total is not known ahead
  }

  ContentVisitor& visitor_;
  const Progress& progress_;
  const Compression& compression_;
  ContentCounts counts_;
};

}  // namespace

std::vector<std::string> select_store_ids(Database& source, const Selection& selection) {
  const std::vector<std::string> all = source.stores();
  if (selection.stores.empty()) return all;
  std::vector<std::string> out = selection.stores;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  for (const std::string& id : out) {
    if (!std::binary_search(all.begin(), all.end(), id)) {
      throw Error(Errc::not_found,
                  "no store '" + keys::printable(id) + "' in '" + source.uri() + "'",
                  "`sdsctl stores` lists the stores there are");
    }
  }
  return out;
}

ContentCounts read_database_contents(Database& source, const Selection& selection,
                                     ContentVisitor& visitor, const Progress& progress,
                                     const Compression& compression) {
  Encoder encoder(visitor, progress, compression);
  source.visit_contents(encoder, {select_store_ids(source, selection), selection.blobs});
  visitor.finish();
  return encoder.counts();
}

}  // namespace sds::core::maintenance
