// sdsctl export URI FILE: a database's contents to one archive file.
#include <fmt/core.h>

#include <memory>
#include <sds/sds.hpp>

#include "core/maintenance/archive.hpp"
#include "core/open_shared_backend.hpp"
#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/output.hpp"
#include "tools/sdsctl/progress_bar.hpp"

namespace sdsctl {
namespace {

namespace maintenance = sds::core::maintenance;

struct ExportOptions {
  std::string uri;
  std::string file;
  std::vector<std::string> stores;
  bool no_blobs = false;
};

int run_export(const ExportOptions& options) {
  const auto source = sds::core::open_shared_backend(options.uri, {.read_only = true});
  ProgressBar bar("exporting");
  const auto counts = maintenance::export_archive(
      *source.shared, options.file, {options.stores, !options.no_blobs}, bar.callback());
  fmt::print("exported {} from {} to {}\n", summary(counts), source.shared->uri(), options.file);
  return kExitOk;
}

}  // namespace

void setup_export(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* sub = app.add_subcommand(
      "export", "Write stores and blobs to a single-file archive (docs/ARCHIVE.md; read-only)");
  sub->add_option("URI", options->uri, "Database URI")->required();
  sub->add_option("FILE", options->file, "Archive file to write (replaced if it exists)")
      ->required();
  sub->add_option("--store", options->stores, "Export only this store (repeatable)");
  sub->add_flag("--no-blobs", options->no_blobs, "Leave the blobs out");
  sub->callback([options, &chosen] { chosen = [options] { return run_export(*options); }; });
}

}  // namespace sdsctl
