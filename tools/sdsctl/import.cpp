// sdsctl import FILE URI: an archive into a database, checked before writing.
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

struct ImportOptions {
  std::string file;
  std::string uri;
};

int run_import(const ImportOptions& options) {
  std::shared_ptr<sds::core::SharedBackend> destination;
  ProgressBar bar("importing");
  const auto counts = maintenance::import_archive(
      options.file,
      [&] { return destination = sds::core::open_shared_backend(options.uri, {}).shared; },
      bar.callback());
  fmt::print("imported {} from {} to {} (verified)\n", summary(counts), options.file,
             destination->uri());
  return kExitOk;
}

}  // namespace

void setup_import(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<ImportOptions>();
  CLI::App* sub = app.add_subcommand(
      "import",
      "Write an archive into a database; the whole archive is checked first, a damaged one "
      "writes nothing");
  sub->add_option("FILE", options->file, "Archive file")->required()->check(CLI::ExistingFile);
  sub->add_option("URI", options->uri, "Destination database URI (created if missing)")->required();
  sub->callback([options, &chosen] { chosen = [options] { return run_import(*options); }; });
}

}  // namespace sdsctl
