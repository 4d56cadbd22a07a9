// sdsctl dump URI STORE: every record of a store and the database's blobs;
// --raw WHAT writes one record's original bytes to stdout.
#include <fmt/core.h>

#include <charconv>
#include <cstdio>
#include <memory>
#include <sds/sds.hpp>

#include "core/catalog.hpp"
#include "core/keys.hpp"
#include "core/maintenance/contents.hpp"
#include "core/open_shared_backend.hpp"
#include "core/payloads.hpp"
#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/output.hpp"

namespace sdsctl {
namespace {

namespace keys = sds::core::keys;
namespace maintenance = sds::core::maintenance;

struct DumpOptions {
  std::string uri;
  std::string store;
  std::string raw;  // snapshot | patch:CLOCK | blob:HASH
  bool no_blobs = false;
};

const char* codec_name(sds::core::Codec codec) {
  return codec == sds::core::Codec::zstd ? "zstd" : "raw";
}

// Prints records as read_contents() hands them over (verified, in key order).
class Printer final : public maintenance::ContentVisitor {
 public:
  explicit Printer(std::string where) : where_(std::move(where)) {}

  void store(std::string_view id) override {
    fmt::print("store '{}'\n", keys::printable(id, keys::kWhole));
  }

  void store_record(std::string_view suffix, const sds::core::Record& record) override {
    const std::size_t stored = sds::core::kRecordHeaderSize + record.payload.size();
    const auto name = keys::parse_store_suffix(suffix);
    if (!name) {
      fmt::print("  record '{}' {} bytes\n", keys::printable(suffix, keys::kWhole),
                 record.raw_size);
      return;
    }
    switch (name->kind) {
      case keys::StoreRecordKind::snapshot_header: {
        const auto header = sds::core::parse_snapshot_header(record.payload, where_);
        fmt::print("  header   snapshot clock {}, {} bytes\n", header.clock, header.raw_size);
        break;
      }
      case keys::StoreRecordKind::snapshot:
        fmt::print("  snapshot {} bytes (stored {}, {})\n", record.raw_size, stored,
                   codec_name(record.codec));
        break;
      case keys::StoreRecordKind::patch:
        fmt::print("  patch    clock {:>20}  {} bytes\n", name->clock, record.raw_size);
        break;
    }
  }

  void blob(std::string_view hash, std::int64_t ref_count,
            const sds::core::Record& record) override {
    if (!blobs_header_) fmt::print("blobs of the database\n");
    blobs_header_ = true;
    fmt::print("  blob '{}' {} bytes (stored {}, {}), {} reference{}\n",
               keys::printable(hash, keys::kWhole), record.raw_size,
               sds::core::kRecordHeaderSize + record.payload.size(), codec_name(record.codec),
               ref_count, ref_count == 1 ? "" : "s");
  }

 private:
  std::string where_;
  bool blobs_header_ = false;
};

// The key --raw names, in the store numbered `number`.
std::string raw_key(const std::string& what, std::uint64_t number) {
  if (what == "snapshot") return keys::snapshot(number);
  if (what.starts_with("blob:") && what.size() > 5) return keys::blob(what.substr(5));
  if (what.starts_with("patch:")) {
    sds::Clock clock = 0;
    const char* end = what.data() + what.size();
    const auto [ptr, error] = std::from_chars(what.data() + 6, end, clock);
    if (error == std::errc() && ptr == end && what.size() > 6) return keys::patch(number, clock);
  }
  throw sds::Error(sds::Errc::invalid_argument, "--raw " + what + " names no record",
                   "write --raw snapshot, --raw patch:CLOCK or --raw blob:HASH");
}

int dump_raw(sds::core::SharedBackend& shared, const DumpOptions& options) {
  const std::string where = shared.where(options.store);
  std::optional<sds::Bytes> data;
  shared.kv().view([&](sds::kv::ReadTransaction& txn) {
    const auto number = sds::core::find_store(txn, options.store, where);
    if (!number) {
      throw sds::Error(sds::Errc::not_found,
                       "no store '" + keys::printable(options.store) + "' " + shared.where(),
                       "`sdsctl stores` lists the stores there are");
    }
    const std::string key = raw_key(options.raw, *number);
    if (const auto stored = txn.get(key)) {
      data = sds::core::decode_record(sds::core::open_record(key, *stored, where), key, where);
    }
  });
  if (!data) {
    throw sds::Error(sds::Errc::not_found, "no " + options.raw + " " + where,
                     "`sdsctl dump` lists the records there are");
  }
  if (std::fwrite(data->data(), 1, data->size(), stdout) != data->size()) {
    throw sds::Error(sds::Errc::io_error, "cannot write to stdout", "check where it goes");
  }
  return kExitOk;
}

int run_dump(const DumpOptions& options) {
  const auto opened = sds::core::open_shared_backend(options.uri, {.read_only = true});
  if (!options.raw.empty()) return dump_raw(*opened.shared, options);
  Printer printer(opened.shared->where(options.store));
  maintenance::read_contents(*opened.shared, {{options.store}, !options.no_blobs}, printer, {});
  return kExitOk;
}

}  // namespace

void setup_dump(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<DumpOptions>();
  CLI::App* sub = app.add_subcommand(
      "dump", "List a store's snapshot, patches and the database's blobs (read-only)");
  sub->add_option("URI", options->uri, "Database URI")->required();
  sub->add_option("STORE", options->store, "Store id")->required();
  sub->add_option(
      "--raw", options->raw,
      "Write one record's original bytes to stdout: snapshot, patch:CLOCK or blob:HASH");
  sub->add_flag("--no-blobs", options->no_blobs, "Leave the blobs out of the listing");
  sub->callback([options, &chosen] { chosen = [options] { return run_dump(*options); }; });
}

}  // namespace sdsctl
