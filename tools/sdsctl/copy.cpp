// sdsctl copy SRC DST: stores and blobs between any two backends, staged and
// published in one step.
#include <fmt/core.h>

#include <memory>
#include <sds/sds.hpp>

#include "core/errors.hpp"
#include "core/maintenance/contents.hpp"
#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/databases.hpp"
#include "tools/sdsctl/interrupt.hpp"
#include "tools/sdsctl/output.hpp"
#include "tools/sdsctl/progress_bar.hpp"
#include "tools/sdsctl/transfer.hpp"

namespace sdsctl {
namespace {

namespace maintenance = sds::core::maintenance;

struct CopyOptions {
  std::string source;
  std::string destination;
  std::vector<std::string> stores;
  bool no_blobs = false;
  bool dry_run = false;
  TransferFlags flags;
};

int run_copy(const CopyOptions& options) {
  const CommonOptions& common = common_options();
  maintenance::Selection selection{{}, !options.no_blobs};
  for (const std::string& id : options.stores) selection.stores.push_back(parse_id(id, "--store"));
  catch_interrupts();
  Source source(options.source);
  // A store that is not there is refused before the target is touched.
  const std::size_t selected = source.count_stores(selection);
  const std::size_t all_stores = source.count_stores({});
  if (options.dry_run) {
    maintenance::DiscardingVisitor discard;
    ProgressBar bar("reading");
    const auto counts = source.read(selection, discard, bar.callback());
    if (common.json) {
      print_json({{"source", source.uri()},
                  {"target", sds::core::resolve_uri(options.destination, {}).config.uri},
                  {"dry_run", true},
                  {"counts", counts_json(counts)}});
    } else if (!common.quiet) {
      fmt::print("would copy {} from {} to {}\n", summary(counts), source.uri(),
                 sds::core::resolve_uri(options.destination, {}).config.uri);
    }
    return kExitOk;
  }
  Target target(options.destination, &source.config());
  const sds::core::TargetPolicy policy = policy_of(options.flags);
  check_target(target, policy);
  ProgressBar bar("copying");
  const TransferResult result =
      transfer(target, policy, sds::core::in_quotes(source.uri()), bar,
               [&](sds::core::ContentVisitor& staging) {
                 return source.read(selection, staging, bar.callback(), target.compression());
               });
  // Counts stay exact only when every store comes along with the blobs into
  // an empty target: other stores' references are counted too.
  const bool exact =
      policy == sds::core::TargetPolicy::empty && (!selection.blobs || selected == all_stores);
  if (common.json) {
    print_json({{"source", source.uri()},
                {"target", target.uri()},
                {"counts", counts_json(result.counts)},
                {"published", published_json(result.published, exact)}});
  } else if (!common.quiet) {
    fmt::print("copied {} from {} to {} (verified)\n", summary(result.counts), source.uri(),
               target.uri());
    fmt::print("{}", published_text(result.published, exact));
  }
  return kExitOk;
}

}  // namespace

void setup_copy(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<CopyOptions>();
  CLI::App* sub = app.add_subcommand(
      "copy",
      "Copy stores (snapshot, clock, patches) and blobs with their reference counts between any "
      "two databases: staged, checked, then published in one step; into an empty database "
      "unless --merge or --force");
  sub->add_option("SRC_URI", options->source, "Source database URI (opened read-only)")->required();
  sub->add_option("DST_URI", options->destination, "Target database URI (created if missing)")
      ->required();
  sub->add_option("--store", options->stores,
                  "Copy only this store (repeatable; ids as `sdsctl stores` prints them)");
  sub->add_flag("--no-blobs", options->no_blobs,
                "Leave the blobs (which belong to the database) behind");
  sub->add_flag("--dry-run", options->dry_run,
                "Read and check the source, say what would be copied");
  add_transfer_flags(sub, options->flags);
  add_common_options(sub);
  sub->callback([options, &chosen] { chosen = [options] { return run_copy(*options); }; });
}

}  // namespace sdsctl
