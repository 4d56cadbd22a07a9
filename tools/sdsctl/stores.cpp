// sdsctl stores URI: the stores of a database with their snapshot and patches.
#include <fmt/core.h>

#include <memory>
#include <sds/sds.hpp>

#include "core/keys.hpp"
#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/output.hpp"

namespace sdsctl {
namespace {

namespace keys = sds::core::keys;

struct StoresOptions {
  std::string uri;
  bool json = false;
};

int run_stores(const StoresOptions& options) {
  auto database = sds::open_database(options.uri, {.read_only = true});
  nlohmann::json out = nlohmann::json::array();
  if (!options.json) {
    fmt::print("{:<32} {:>20} {:>12} {:>10} {:>12}\n", "STORE", "SNAPSHOT CLOCK", "SNAPSHOT",
               "PATCHES", "PATCH BYTES");
  }
  for (const std::string& id : database->stores()) {
    const sds::StoreStats stats = database->store(id)->stats();
    if (options.json) {
      out.push_back(
          {{"id", keys::printable(id, keys::kWhole)},
           {"snapshot_clock",
            json_or_null(stats.has_snapshot ? std::optional(stats.snapshot_clock) : std::nullopt)},
           {"snapshot_bytes", stats.snapshot_bytes},
           {"patch_count", stats.patch_count},
           {"patch_bytes", stats.patch_bytes}});
    } else {
      fmt::print("{:<32} {:>20} {:>12} {:>10} {:>12}\n", keys::printable(id, keys::kWhole),
                 stats.has_snapshot ? std::to_string(stats.snapshot_clock) : "-",
                 human_bytes(stats.snapshot_bytes), stats.patch_count,
                 human_bytes(stats.patch_bytes));
    }
  }
  if (options.json) print_json({{"uri", database->uri()}, {"stores", out}});
  return kExitOk;
}

}  // namespace

void setup_stores(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<StoresOptions>();
  CLI::App* sub = app.add_subcommand("stores", "List the stores of a database (read-only)");
  sub->add_option("URI", options->uri, "Database URI, e.g. sqlite:data.db")->required();
  sub->add_flag("--json", options->json, "Print JSON (docs/SDSCTL.md)");
  sub->callback([options, &chosen] { chosen = [options] { return run_stores(*options); }; });
}

}  // namespace sdsctl
