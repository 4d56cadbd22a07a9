// sdsctl stat URI [STORE]: the stats() of a database and of its stores.
#include <fmt/core.h>

#include <memory>
#include <sds/sds.hpp>

#include "core/keys.hpp"
#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/output.hpp"

namespace sdsctl {
namespace {

namespace keys = sds::core::keys;

// Bump when a key of the --json output changes meaning or goes away (adding
// keys does not bump it); docs/SDSCTL.md documents the shape.
constexpr int kStatJsonVersion = 1;

struct StatOptions {
  std::string uri;
  std::vector<std::string> stores;
  bool json = false;
};

nlohmann::json store_json(const std::string& id, const sds::StoreStats& stats) {
  nlohmann::json snapshot = nullptr;
  if (stats.has_snapshot) {
    snapshot = {{"clock", stats.snapshot_clock},
                {"bytes", stats.snapshot_bytes},
                {"stored_bytes", stats.snapshot_stored_bytes}};
  }
  return {{"id", keys::printable(id, keys::kWhole)},
          {"snapshot", snapshot},
          {"patches",
           {{"count", stats.patch_count},
            {"bytes", stats.patch_bytes},
            {"first_clock", json_or_null(stats.first_patch_clock)},
            {"last_clock", json_or_null(stats.last_patch_clock)}}},
          {"accumulated_bytes", stats.accumulated_bytes},
          {"checkpoint_bytes", stats.checkpoint_bytes},
          {"checkpoint_due", stats.accumulated_bytes >= stats.checkpoint_bytes}};
}

void print_store(const std::string& id, const sds::StoreStats& stats) {
  fmt::print("\nstore '{}'\n", keys::printable(id, keys::kWhole));
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
}

int run_stat(const StatOptions& options) {
  auto database = sds::open_database(options.uri, {.read_only = true});
  const sds::DatabaseStats stats = database->stats();
  const std::vector<std::string> ids = options.stores.empty() ? database->stores() : options.stores;
  if (options.json) {
    nlohmann::json stores = nlohmann::json::array();
    for (const std::string& id : ids)
      stores.push_back(store_json(id, database->store(id)->stats()));
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
    return kExitOk;
  }
  fmt::print("database     {}\n", database->uri());
  fmt::print("format       {}\n", stats.format_version);
  fmt::print("on disk      {}\n",
             stats.bytes_on_disk ? human_bytes(*stats.bytes_on_disk) : "unknown");
  fmt::print("stores       {}\n", stats.store_count);
  fmt::print("blobs        {}, {} (stored {})\n", stats.blob_count, human_bytes(stats.blob_bytes),
             human_bytes(stats.blob_stored_bytes));
  for (const std::string& id : ids) print_store(id, database->store(id)->stats());
  return kExitOk;
}

}  // namespace

void setup_stat(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<StatOptions>();
  CLI::App* sub =
      app.add_subcommand("stat", "Show the stats of a database and its stores (read-only)");
  sub->add_option("URI", options->uri, "Database URI")->required();
  sub->add_option("STORE", options->stores, "Only these stores (default: every store)");
  sub->add_flag("--json", options->json, "Print JSON of a stable shape (docs/SDSCTL.md)");
  sub->callback([options, &chosen] { chosen = [options] { return run_stat(*options); }; });
}

}  // namespace sdsctl
