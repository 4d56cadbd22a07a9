// sdsctl stores URI: the stores of a database with their snapshot and patches.
#include <fmt/core.h>

#include <memory>
#include <sds/sds.hpp>

#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/databases.hpp"
#include "tools/sdsctl/output.hpp"

namespace sdsctl {
namespace {

struct StoresOptions {
  std::string uri;
};

int run_stores(const StoresOptions& options) {
  const bool json = common_options().json;
  refuse_archive(options.uri);
  auto database = sds::open_database(options.uri, {.read_only = true});
  nlohmann::json out = nlohmann::json::array();
  if (!json) {
    fmt::print("{:<32} {:>20} {:>12} {:>10} {:>12}\n", "STORE", "SNAPSHOT CLOCK", "SNAPSHOT",
               "PATCHES", "PATCH BYTES");
  }
  int exit_code = kExitOk;
  for (const std::string& id : database->stores()) {
    sds::StoreStats stats;
    try {
      stats = database->store(id)->stats();
    } catch (const sds::Error& error) {
      // One damaged store does not hide the others.
      if (error.code() != sds::Errc::corruption) throw;
      exit_code = kExitCorruption;
      if (json) {
        out.push_back({{"id", printed(id)}, {"error", std::string(error.message())}});
      } else {
        fmt::print("{:<32} damaged: {}\n", printed(id), error.message());
      }
      continue;
    }
    if (json) {
      out.push_back(
          {{"id", printed(id)},
           {"snapshot_clock",
            json_or_null(stats.has_snapshot ? std::optional(stats.snapshot_clock) : std::nullopt)},
           {"snapshot_bytes", stats.snapshot_bytes},
           {"patch_count", stats.patch_count},
           {"patch_bytes", stats.patch_bytes}});
    } else {
      fmt::print("{:<32} {:>20} {:>12} {:>10} {:>12}\n", printed(id),
                 stats.has_snapshot ? std::to_string(stats.snapshot_clock) : "-",
                 human_bytes(stats.snapshot_bytes), stats.patch_count,
                 human_bytes(stats.patch_bytes));
    }
  }
  if (json) print_json({{"uri", database->uri()}, {"stores", out}});
  if (exit_code != kExitOk && !json) {
    fmt::print(stderr,
               "sdsctl: damaged stores are listed as such; `sdsctl verify {}` lists all damage, "
               "`sdsctl salvage` copies what is readable\n",
               database->uri());
  }
  return exit_code;
}

}  // namespace

void setup_stores(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<StoresOptions>();
  CLI::App* sub = app.add_subcommand("stores", "List the stores of a database (read-only)");
  sub->add_option("URI", options->uri, "Database URI, e.g. sqlite:data.db")->required();
  add_common_options(sub);
  sub->callback([options, &chosen] { chosen = [options] { return run_stores(*options); }; });
}

}  // namespace sdsctl
