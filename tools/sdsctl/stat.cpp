// sdsctl stat URI [STORE]: the stats() of a database and of its stores.
#include <fmt/core.h>

#include <algorithm>
#include <memory>
#include <sds/sds.hpp>

#include "core/size_units.hpp"
#include "core/uri.hpp"
#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/databases.hpp"
#include "tools/sdsctl/output.hpp"

namespace sdsctl {
namespace {

// Bump when a key of the --json output changes meaning or goes away (adding
// keys does not bump it); docs/SDSCTL.md documents the shape.
constexpr int kStatJsonVersion = 1;

struct StatOptions {
  std::string uri;
  std::vector<std::string> stores;
};

// Where the checkpoint threshold came from: the application passes its own
// in the URI, and stat judges "due" by the one in the URI it was given.
struct Threshold {
  bool from_uri = false;
  std::string how;  // how to pass the application's
};

Threshold threshold_of(const std::string& uri) {
  const sds::core::Uri parsed = sds::core::parse_uri(uri);
  Threshold threshold;
  threshold.from_uri =
      std::any_of(parsed.params.begin(), parsed.params.end(),
                  [](const auto& param) { return param.first == "checkpoint_bytes"; });
  const std::string masked = sds::core::mask_password(uri);
  threshold.how =
      masked + (masked.find('?') == std::string::npos ? "?" : "&") + "checkpoint_bytes=SIZE";
  return threshold;
}

nlohmann::json store_json(const std::string& id, const sds::StoreStats& stats,
                          const Threshold& threshold) {
  nlohmann::json snapshot = nullptr;
  if (stats.has_snapshot) {
    snapshot = {{"clock", stats.snapshot_clock},
                {"bytes", stats.snapshot_bytes},
                {"stored_bytes", stats.snapshot_stored_bytes}};
  }
  return {{"id", printed(id)},
          {"snapshot", snapshot},
          {"patches",
           {{"count", stats.patch_count},
            {"bytes", stats.patch_bytes},
            {"first_clock", json_or_null(stats.first_patch_clock)},
            {"last_clock", json_or_null(stats.last_patch_clock)}}},
          {"accumulated_bytes", stats.accumulated_bytes},
          {"checkpoint_bytes", stats.checkpoint_bytes},
          {"checkpoint_bytes_from", threshold.from_uri ? "uri" : "default"},
          {"checkpoint_due", stats.accumulated_bytes >= stats.checkpoint_bytes}};
}

void print_store(const std::string& id, const sds::StoreStats& stats, const Threshold& threshold) {
  fmt::print("\nstore '{}'\n", printed(id));
  if (stats.has_snapshot) {
    fmt::print("  snapshot     clock {}, {} (stored {})\n", stats.snapshot_clock,
               human_bytes(stats.snapshot_bytes), human_bytes(stats.snapshot_stored_bytes));
  } else {
    fmt::print("  snapshot     none\n");
  }
  if (stats.patch_count > 0) {
    fmt::print("  patches      {}, {}, clocks {} to {}\n", stats.patch_count,
               human_bytes(stats.patch_bytes), *stats.first_patch_clock, *stats.last_patch_clock);
  } else {
    fmt::print("  patches      none\n");
  }
  fmt::print(
      "  accumulated  {} of {} ({})\n", human_bytes(stats.accumulated_bytes),
      human_bytes(stats.checkpoint_bytes),
      stats.accumulated_bytes >= stats.checkpoint_bytes ? "checkpoint due" : "no checkpoint due");
  fmt::print("  threshold    checkpoint_bytes={}, {}\n",
             sds::core::format_size(stats.checkpoint_bytes),
             threshold.from_uri ? "from the URI"
                                : "the default; judge by the application's with " + threshold.how);
}

int run_stat(const StatOptions& options) {
  const bool json = common_options().json;
  refuse_archive(options.uri);
  auto database = sds::open_database(options.uri, {.read_only = true});
  const Threshold threshold = threshold_of(options.uri);
  const sds::DatabaseStats stats = database->stats();
  std::vector<std::string> ids;
  if (options.stores.empty()) {
    ids = database->stores();
  } else {
    for (const std::string& id : options.stores) ids.push_back(parse_id(id, "STORE"));
  }
  int exit_code = kExitOk;
  nlohmann::json stores = nlohmann::json::array();
  if (!json) {
    fmt::print("database     {}\n", database->uri());
    fmt::print("format       {}\n", stats.format_version);
    fmt::print("on disk      {}\n",
               stats.bytes_on_disk ? human_bytes(*stats.bytes_on_disk) : "unknown");
    fmt::print("stores       {}\n", stats.store_count);
    fmt::print("blobs        {}, {} (stored {})\n", stats.blob_count, human_bytes(stats.blob_bytes),
               human_bytes(stats.blob_stored_bytes));
  }
  for (const std::string& id : ids) {
    try {
      const sds::StoreStats store = database->store(id)->stats();
      if (json) {
        stores.push_back(store_json(id, store, threshold));
      } else {
        print_store(id, store, threshold);
      }
    } catch (const sds::Error& error) {
      // One damaged store does not hide the others.
      if (error.code() != sds::Errc::corruption) throw;
      exit_code = kExitCorruption;
      if (json) {
        stores.push_back({{"id", printed(id)}, {"error", std::string(error.message())}});
      } else {
        fmt::print("\nstore '{}'\n  damaged      {}\n", printed(id), error.message());
      }
    }
  }
  if (json) {
    print_json({{"sdsctl_stat", kStatJsonVersion},
                {"uri", database->uri()},
                {"format_version", stats.format_version},
                {"bytes_on_disk", json_or_null(stats.bytes_on_disk)},
                {"store_count", stats.store_count},
                {"blobs",
                 {{"count", stats.blob_count},
                  {"bytes", stats.blob_bytes},
                  {"stored_bytes", stats.blob_stored_bytes}}},
                {"stores", stores}});
  } else if (exit_code != kExitOk) {
    fmt::print(stderr,
               "sdsctl: damaged stores are shown as such; `sdsctl verify {}` lists all damage, "
               "`sdsctl salvage` copies what is readable\n",
               database->uri());
  }
  return exit_code;
}

}  // namespace

void setup_stat(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<StatOptions>();
  CLI::App* sub =
      app.add_subcommand("stat", "Show the stats of a database and its stores (read-only)");
  sub->add_option("URI", options->uri,
                  "Database URI; add ?checkpoint_bytes=SIZE to judge by the application's "
                  "checkpoint threshold")
      ->required();
  sub->add_option("STORE", options->stores,
                  "Only these stores (default: every store), as `sdsctl stores` prints them");
  add_common_options(sub);
  sub->callback([options, &chosen] { chosen = [options] { return run_stat(*options); }; });
}

}  // namespace sdsctl
