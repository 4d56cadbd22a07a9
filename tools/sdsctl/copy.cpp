// sdsctl copy SRC DST: stores and blobs between any two backends.
#include <fmt/core.h>

#include <memory>
#include <sds/sds.hpp>

#include "core/maintenance/content_writer.hpp"
#include "core/maintenance/contents.hpp"
#include "core/open_shared_backend.hpp"
#include "core/uri.hpp"
#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/output.hpp"
#include "tools/sdsctl/progress_bar.hpp"

namespace sdsctl {
namespace {

namespace maintenance = sds::core::maintenance;

struct CopyOptions {
  std::string source;
  std::string destination;
  std::vector<std::string> stores;
  bool no_blobs = false;
  bool dry_run = false;
};

int run_copy(const CopyOptions& options) {
  const maintenance::Selection selection{options.stores, !options.no_blobs};
  const auto source = sds::core::open_shared_backend(options.source, {.read_only = true});
  if (options.dry_run) {
    maintenance::DiscardingVisitor discard;
    ProgressBar bar("reading");
    const auto counts =
        maintenance::read_contents(*source.shared, selection, discard, bar.callback());
    fmt::print("would copy {} from {} to {}\n", summary(counts), source.shared->uri(),
               sds::core::mask_password(options.destination));
    return kExitOk;
  }
  sds::core::OpenedBackend destination;
  try {
    destination = sds::core::open_shared_backend(options.destination, {});
  } catch (const sds::Error& error) {
    // The source holds its path open read-only, so the same path refuses a writer.
    if (error.code() == sds::Errc::busy) {
      throw sds::Error(sds::Errc::invalid_argument,
                       "cannot copy '" + source.shared->uri() + "' to '" +
                           sds::core::mask_password(options.destination) +
                           "': they are the same database",
                       "name another destination");
    }
    throw;
  }
  maintenance::ContentWriter writer(*destination.shared);
  ProgressBar bar("copying");
  const auto counts = maintenance::read_contents(*source.shared, selection, writer, bar.callback());
  fmt::print("copied {} from {} to {} (verified)\n", summary(counts), source.shared->uri(),
             destination.shared->uri());
  return kExitOk;
}

}  // namespace

void setup_copy(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<CopyOptions>();
  CLI::App* sub = app.add_subcommand(
      "copy",
      "Copy stores (snapshot, clock, patches) and blobs with their reference counts between any "
      "two databases; a store replaces the destination's store of the same id; safe to re-run");
  sub->add_option("SRC_URI", options->source, "Source database URI (opened read-only)")->required();
  sub->add_option("DST_URI", options->destination, "Destination database URI")->required();
  sub->add_option("--store", options->stores, "Copy only this store (repeatable)");
  sub->add_flag("--no-blobs", options->no_blobs,
                "Leave the blobs (which belong to the database) behind");
  sub->add_flag("--dry-run", options->dry_run,
                "Read and check the source, say what would be copied");
  sub->callback([options, &chosen] { chosen = [options] { return run_copy(*options); }; });
}

}  // namespace sdsctl
