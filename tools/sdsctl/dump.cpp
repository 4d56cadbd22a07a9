// sdsctl dump URI STORE: a store's records and the database's blobs, a range
// of them (--from/--to/--limit, as ldb does), their bytes in hex (--hex, as
// mdb_dump -p and ldb --hex); --raw WHAT writes one record's original bytes.
#include <fmt/core.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sds/sds.hpp>

#include "core/batch_scan.hpp"
#include "core/catalog.hpp"
#include "core/keys.hpp"
#include "core/payloads.hpp"
#include "core/record.hpp"
#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/databases.hpp"
#include "tools/sdsctl/interrupt.hpp"
#include "tools/sdsctl/output.hpp"

namespace sdsctl {
namespace {

namespace keys = sds::core::keys;
using sds::core::KvEntry;
using sds::core::Record;

struct DumpOptions {
  std::string uri;
  std::string store;
  std::string raw;  // snapshot | patch:CLOCK | blob:HASH
  std::string output;
  bool no_blobs = false;
  std::optional<sds::Clock> from;
  std::optional<sds::Clock> to;
  std::optional<std::uint64_t> limit;
  bool hex = false;
};

const char* codec_name(sds::core::Codec codec) {
  return codec == sds::core::Codec::zstd ? "zstd" : "raw";
}

std::string hex_of(const sds::Bytes& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const std::uint8_t byte : bytes) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xf]);
  }
  return out;
}

// One record as listed: what it is, its sizes, and its bytes when --hex asks.
struct Listed {
  std::uint64_t bytes = 0;         // as saved
  std::uint64_t stored_bytes = 0;  // the record as stored
  const char* codec = "raw";
  std::optional<std::string> hex;
};

// Checks a record (checksum, decompression) as every read does and
// describes it.
Listed list_record(std::string_view key, sds::ByteView value, std::string_view where, bool hex) {
  const Record record = sds::core::open_record(key, value, where);
  const sds::Bytes data = sds::core::decode_record(record, key, where);
  Listed listed{record.raw_size, value.size(), codec_name(record.codec), std::nullopt};
  if (hex) listed.hex = hex_of(data);
  return listed;
}

nlohmann::json listed_json(const Listed& listed) {
  nlohmann::json out = {
      {"bytes", listed.bytes}, {"stored_bytes", listed.stored_bytes}, {"codec", listed.codec}};
  if (listed.hex) out["hex"] = *listed.hex;
  return out;
}

void print_hex(const Listed& listed) {
  if (listed.hex) fmt::print("           hex {}\n", *listed.hex);
}

std::uint64_t find_number(sds::core::SharedBackend& shared, const std::string& id) {
  std::optional<std::uint64_t> number;
  shared.kv().view([&](sds::kv::ReadTransaction& txn) {
    number = sds::core::find_store(txn, id, shared.where());
  });
  if (!number) {
    throw sds::Error(sds::Errc::not_found, "no store '" + printed(id) + "' " + shared.where(),
                     "`sdsctl stores` lists the stores there are");
  }
  return *number;
}

int dump_list(sds::core::SharedBackend& shared, const DumpOptions& options, const std::string& id) {
  const bool json = common_options().json;
  const std::string where = shared.where(id);
  const std::uint64_t number = find_number(shared, id);
  const std::uint64_t limit = options.limit.value_or(std::numeric_limits<std::uint64_t>::max());

  std::optional<sds::core::SnapshotHeader> header;
  std::optional<Listed> snapshot;
  shared.kv().view([&](sds::kv::ReadTransaction& txn) {
    const std::string meta = keys::meta(number);
    if (const auto stored = txn.get(meta)) {
      header = sds::core::parse_snapshot_header(
          sds::core::open_record(meta, *stored, where).payload, where);
    }
  });
  shared.kv().view([&](sds::kv::ReadTransaction& txn) {
    const std::string key = keys::snapshot(number);
    if (const auto stored = txn.get(key)) snapshot = list_record(key, *stored, where, options.hex);
  });

  if (!json) {
    fmt::print("store '{}'\n", printed(id));
    if (header) {
      fmt::print("  header   snapshot clock {}, {} bytes\n", header->clock, header->raw_size);
    }
  }
  // Patches in [from, to), at most `limit` of them.
  nlohmann::json patches = nlohmann::json::array();
  std::uint64_t listed = 0;
  std::optional<sds::Clock> next;  // the first patch not listed
  const std::string from = keys::patch(number, options.from.value_or(0));
  const std::string to = options.to ? keys::patch(number, *options.to) : keys::patches_end(number);
  if (from < to) {
    sds::core::scan_batches(shared.kv(), from, to, [&](std::vector<KvEntry>& batch) {
      check_interrupt();
      for (const KvEntry& entry : batch) {
        const sds::Clock clock = keys::patch_clock(entry.key, where);
        if (listed == limit) {
          next = clock;
          return false;
        }
        const Listed patch = list_record(entry.key, entry.value, where, options.hex);
        ++listed;
        if (json) {
          nlohmann::json item = listed_json(patch);
          item["clock"] = clock;
          patches.push_back(item);
        } else {
          fmt::print("  patch    clock {:>20}  {} bytes\n", clock, patch.bytes);
          print_hex(patch);
        }
      }
      return true;
    });
  }
  if (!json) {
    if (next) fmt::print("  ...      more patches from clock {} (--from {})\n", *next, *next);
    if (snapshot) {
      fmt::print("  snapshot {} bytes (stored {}, {})\n", snapshot->bytes, snapshot->stored_bytes,
                 snapshot->codec);
      print_hex(*snapshot);
    }
  }

  nlohmann::json blobs = nlohmann::json::array();
  std::optional<std::string> next_blob;
  if (!options.no_blobs) {
    std::uint64_t blobs_listed = 0;
    const std::string blob_where = shared.where();
    sds::core::scan_batches(
        shared.kv(), keys::blobs_begin(), keys::blobs_end(), [&](std::vector<KvEntry>& batch) {
          check_interrupt();
          std::vector<std::optional<std::int64_t>> counts;
          shared.kv().view([&](sds::kv::ReadTransaction& txn) {
            counts.clear();
            for (const KvEntry& entry : batch) {
              const std::string refs = keys::refs(keys::blob_hash(entry.key));
              const auto stored = txn.get(refs);
              counts.push_back(
                  stored
                      ? std::optional(sds::core::parse_ref_count(
                            sds::core::open_record(refs, *stored, blob_where).payload, blob_where))
                      : std::nullopt);
            }
          });
          for (std::size_t i = 0; i < batch.size(); ++i) {
            const std::string hash(keys::blob_hash(batch[i].key));
            if (blobs_listed == limit) {
              next_blob = hash;
              return false;
            }
            const Listed blob = list_record(batch[i].key, batch[i].value, blob_where, options.hex);
            ++blobs_listed;
            if (json) {
              nlohmann::json item = listed_json(blob);
              item["hash"] = printed(hash);
              item["references"] = counts[i] ? nlohmann::json(*counts[i]) : nlohmann::json();
              blobs.push_back(item);
              continue;
            }
            if (blobs_listed == 1) fmt::print("blobs of the database\n");
            const std::string references =
                counts[i] ? fmt::format("{} reference{}", *counts[i], *counts[i] == 1 ? "" : "s")
                          : std::string("no reference count (staged or damaged)");
            fmt::print("  blob '{}' {} bytes (stored {}, {}), {}\n", printed(hash), blob.bytes,
                       blob.stored_bytes, blob.codec, references);
            print_hex(blob);
          }
          return true;
        });
    if (!json && next_blob) fmt::print("  ...      more blobs from '{}'\n", printed(*next_blob));
  }

  if (json) {
    nlohmann::json snapshot_json = nullptr;
    if (snapshot) snapshot_json = listed_json(*snapshot);
    nlohmann::json header_json = nullptr;
    if (header) header_json = {{"clock", header->clock}, {"bytes", header->raw_size}};
    print_json({{"uri", shared.uri()},
                {"store", printed(id)},
                {"snapshot_header", header_json},
                {"snapshot", snapshot_json},
                {"patches", patches},
                {"next_patch_clock", next ? nlohmann::json(*next) : nlohmann::json()},
                {"blobs", options.no_blobs ? nlohmann::json() : blobs},
                {"next_blob", next_blob ? nlohmann::json(printed(*next_blob)) : nlohmann::json()}});
  }
  return kExitOk;
}

// The key --raw names, in the store numbered `number`.
std::string raw_key(const std::string& what, std::uint64_t number) {
  if (what == "snapshot") return keys::snapshot(number);
  if (what.starts_with("blob:") && what.size() > 5) {
    return keys::blob(parse_id(what.substr(5), "--raw blob:HASH"));
  }
  if (what.starts_with("patch:")) {
    sds::Clock clock = 0;
    const char* end = what.data() + what.size();
    const auto [ptr, error] = std::from_chars(what.data() + 6, end, clock);
    if (error == std::errc() && ptr == end && what.size() > 6) return keys::patch(number, clock);
  }
  throw sds::Error(sds::Errc::invalid_argument, "--raw " + what + " names no record",
                   "write --raw snapshot, --raw patch:CLOCK or --raw blob:HASH");
}

int dump_raw(sds::core::SharedBackend& shared, const DumpOptions& options, const std::string& id) {
  if (options.output.empty() && ::isatty(STDOUT_FILENO) == 1) {
    throw sds::Error(sds::Errc::invalid_argument,
                     "dump --raw writes binary data to standard output, which is a terminal",
                     "give -o FILE, or redirect it to a file or a pipe");
  }
  const std::string where = shared.where(id);
  const std::uint64_t number = find_number(shared, id);
  const std::string key = raw_key(options.raw, number);
  std::optional<sds::Bytes> data;
  shared.kv().view([&](sds::kv::ReadTransaction& txn) {
    if (const auto stored = txn.get(key)) {
      data = sds::core::decode_record(sds::core::open_record(key, *stored, where), key, where);
    }
  });
  if (!data) {
    throw sds::Error(sds::Errc::not_found, "no " + options.raw + " " + where,
                     "`sdsctl dump` lists the records there are");
  }
  if (!options.output.empty()) {
    std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data->data()),
              static_cast<std::streamsize>(data->size()));
    if (!out.flush()) {
      throw sds::Error(sds::Errc::io_error, "cannot write '" + options.output + "'",
                       "check the path and the disk");
    }
    return kExitOk;
  }
  if (std::fwrite(data->data(), 1, data->size(), stdout) != data->size() ||
      std::fflush(stdout) != 0) {
    throw sds::Error(sds::Errc::io_error, "cannot write to standard output", "check where it goes");
  }
  return kExitOk;
}

int run_dump(const DumpOptions& options) {
  const std::string id = parse_id(options.store, "STORE");
  if (!options.raw.empty() && common_options().json) {
    throw sds::Error(sds::Errc::invalid_argument, "dump --raw --json: --raw writes bytes, not JSON",
                     "leave out one of them");
  }
  if (options.raw.empty() && !options.output.empty()) {
    throw sds::Error(sds::Errc::invalid_argument, "dump -o: only --raw writes to a file",
                     "add --raw WHAT, or redirect the listing");
  }
  catch_interrupts();
  const auto opened = open_source(options.uri);
  if (!options.raw.empty()) return dump_raw(*opened.shared, options, id);
  return dump_list(*opened.shared, options, id);
}

}  // namespace

void setup_dump(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<DumpOptions>();
  CLI::App* sub = app.add_subcommand(
      "dump", "List a store's snapshot, patches and the database's blobs (read-only)");
  sub->add_option("URI", options->uri, "Database URI")->required();
  sub->add_option("STORE", options->store, "Store id, as `sdsctl stores` prints it")->required();
  sub->add_option("--from", options->from, "List patches from this clock on (inclusive)");
  sub->add_option("--to", options->to, "List patches below this clock (exclusive)");
  sub->add_option("--limit", options->limit, "List at most this many patches, and blobs");
  sub->add_flag("--hex", options->hex, "Show each listed record's bytes in hex");
  sub->add_flag("--no-blobs", options->no_blobs, "Leave the blobs out of the listing");
  sub->add_option(
      "--raw", options->raw,
      "Write one record's original bytes: snapshot, patch:CLOCK or blob:HASH (refused to a "
      "terminal)");
  sub->add_option("-o,--output", options->output, "With --raw: write to this file");
  add_common_options(sub);
  sub->callback([options, &chosen] { chosen = [options] { return run_dump(*options); }; });
}

}  // namespace sdsctl
