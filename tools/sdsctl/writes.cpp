// The subcommands that change a database in place, each asking for --yes
// before it destroys anything: drop STORE, prune STORE --before CLOCK,
// release HASH. Without --yes they say what they would do and exit 2.
#include <fmt/core.h>

#include <memory>
#include <sds/sds.hpp>

#include "core/catalog.hpp"
#include "core/errors.hpp"
#include "core/keys.hpp"
#include "core/payloads.hpp"
#include "core/record.hpp"
#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/databases.hpp"
#include "tools/sdsctl/output.hpp"

namespace sdsctl {
namespace {

namespace keys = sds::core::keys;
using sds::core::in_quotes;

[[noreturn]] void ask_for_yes(const std::string& what, const std::string& why) {
  throw sds::Error(sds::Errc::invalid_argument, what, "pass --yes to do it" + why);
}

void report(const std::string& text, nlohmann::json json) {
  if (common_options().json) {
    print_json(json);
  } else if (!common_options().quiet) {
    fmt::print("{}\n", text);
  }
}

std::optional<std::uint64_t> store_number(sds::core::SharedBackend& shared, const std::string& id) {
  std::optional<std::uint64_t> number;
  shared.kv().view([&](sds::kv::ReadTransaction& txn) {
    number = sds::core::find_store(txn, id, shared.where());
  });
  return number;
}

[[noreturn]] void no_store(sds::core::SharedBackend& shared, const std::string& id) {
  throw sds::Error(sds::Errc::not_found, "no store '" + printed(id) + "' " + shared.where(),
                   "`sdsctl stores` lists the stores there are");
}

struct DropOptions {
  std::string uri;
  std::string store;
  bool yes = false;
};

int run_drop(const DropOptions& options) {
  const std::string id = parse_id(options.store, "STORE");
  const auto opened = open_existing(options.uri);
  if (!store_number(*opened.shared, id)) no_store(*opened.shared, id);
  auto database = sds::open_database(options.uri);
  const sds::StoreStats stats = database->store(id)->stats();
  const std::string contents =
      (stats.has_snapshot ? fmt::format("its snapshot (clock {}) and ", stats.snapshot_clock)
                          : std::string()) +
      count_of(stats.patch_count, "patch");
  const std::string name = "store '" + printed(id) + "' of " + in_quotes(database->uri());
  if (!options.yes) {
    ask_for_yes("dropping " + name + " deletes " + contents,
                "; the blobs stay (they belong to the database), and no process may have the "
                "store open");
  }
  database->drop_store(id);
  report("dropped " + name + ": " + contents + "; its blobs stay",
         {{"uri", database->uri()},
          {"dropped", printed(id)},
          {"patches", stats.patch_count},
          {"snapshot", stats.has_snapshot}});
  return kExitOk;
}

struct PruneOptions {
  std::string uri;
  std::string store;
  sds::Clock before = 0;
  bool yes = false;
};

int run_prune(const PruneOptions& options) {
  const std::string id = parse_id(options.store, "STORE");
  const auto opened = open_existing(options.uri);
  const auto number = store_number(*opened.shared, id);
  if (!number) no_store(*opened.shared, id);
  std::uint64_t below = 0;
  opened.shared->kv().view([&](sds::kv::ReadTransaction& txn) {
    below = 0;
    txn.scan(keys::patch(*number, 0), keys::patch(*number, options.before),
             [&](std::string_view, sds::ByteView) {
               ++below;
               return true;
             });
  });
  const std::string name = "store '" + printed(id) + "' of " + in_quotes(opened.shared->uri());
  const std::string what =
      count_of(below, "patch") + " below clock " + std::to_string(options.before) + " of " + name;
  if (below == 0) {
    report(
        "nothing to prune: no patch below clock " + std::to_string(options.before) + " in " + name,
        {{"uri", opened.shared->uri()}, {"store", printed(id)}, {"pruned", 0}});
    return kExitOk;
  }
  if (!options.yes) {
    ask_for_yes("pruning deletes " + what,
                "; a checkpoint prunes below its snapshot's clock by itself");
  }
  sds::open_database(options.uri)->store(id)->prune_patches(options.before);
  report("pruned " + what,
         {{"uri", opened.shared->uri()}, {"store", printed(id)}, {"pruned", below}});
  return kExitOk;
}

struct ReleaseOptions {
  std::string uri;
  std::string hash;
  bool yes = false;
};

int run_release(const ReleaseOptions& options) {
  const std::string hash = parse_id(options.hash, "HASH");
  const auto opened = open_existing(options.uri);
  std::optional<std::int64_t> count;
  opened.shared->kv().view([&](sds::kv::ReadTransaction& txn) {
    const std::string key = keys::refs(hash);
    count.reset();
    if (const auto stored = txn.get(key)) {
      count = sds::core::parse_ref_count(
          sds::core::open_record(key, *stored, opened.shared->where()).payload,
          opened.shared->where());
    }
  });
  const std::string name = "blob '" + printed(hash) + "' of " + in_quotes(opened.shared->uri());
  if (!count) {
    throw sds::Error(sds::Errc::not_found, "no " + name,
                     "`sdsctl dump URI STORE` lists the blobs there are");
  }
  const bool deletes = *count <= 1;
  const std::string what =
      deletes ? "deletes " + name + " (its reference count is " + std::to_string(*count) + ")"
              : "lowers the reference count of " + name + " from " + std::to_string(*count) +
                    " to " + std::to_string(*count - 1);
  if (!options.yes) {
    ask_for_yes("releasing " + what, "; release only a reference that no store uses any more");
  }
  // A blob belongs to the database: any store handle releases it, and a
  // release writes nothing under the store.
  sds::open_database(options.uri)->store("sdsctl")->release_value(hash);
  report(deletes ? "deleted " + name
                 : "released " + name + ": " + std::to_string(*count - 1) + " reference" +
                       (*count - 1 == 1 ? "" : "s") + " left",
         {{"uri", opened.shared->uri()},
          {"hash", printed(hash)},
          {"references", deletes ? 0 : *count - 1},
          {"deleted", deletes}});
  return kExitOk;
}

}  // namespace

void setup_drop(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<DropOptions>();
  CLI::App* sub = app.add_subcommand(
      "drop", "Delete a store: its snapshot and patches (asks for --yes; blobs stay)");
  sub->add_option("URI", options->uri, "Database URI (must exist)")->required();
  sub->add_option("STORE", options->store, "Store id, as `sdsctl stores` prints it")->required();
  sub->add_flag("--yes", options->yes, "Do it");
  add_common_options(sub);
  sub->callback([options, &chosen] { chosen = [options] { return run_drop(*options); }; });
}

void setup_prune(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<PruneOptions>();
  CLI::App* sub =
      app.add_subcommand("prune", "Delete a store's patches below a clock (asks for --yes)");
  sub->add_option("URI", options->uri, "Database URI (must exist)")->required();
  sub->add_option("STORE", options->store, "Store id, as `sdsctl stores` prints it")->required();
  sub->add_option("--before", options->before, "Delete the patches with a lower clock")->required();
  sub->add_flag("--yes", options->yes, "Do it");
  add_common_options(sub);
  sub->callback([options, &chosen] { chosen = [options] { return run_prune(*options); }; });
}

void setup_release(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<ReleaseOptions>();
  CLI::App* sub = app.add_subcommand(
      "release", "Remove one reference to a blob, deleting it at the last (asks for --yes)");
  sub->add_option("URI", options->uri, "Database URI (must exist)")->required();
  sub->add_option("HASH", options->hash, "Blob hash, as `sdsctl dump` prints it")->required();
  sub->add_flag("--yes", options->yes, "Do it");
  add_common_options(sub);
  sub->callback([options, &chosen] { chosen = [options] { return run_release(*options); }; });
}

}  // namespace sdsctl
