// sdsctl export URI FILE: a database's contents to one archive file; FILE "-"
// is standard output.
#include <fmt/core.h>
#include <unistd.h>

#include <memory>
#include <sds/sds.hpp>

#include "core/maintenance/archive.hpp"
#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/databases.hpp"
#include "tools/sdsctl/interrupt.hpp"
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
  const CommonOptions& common = common_options();
  const bool to_stdout = options.file == maintenance::kStandardStream;
  if (to_stdout && ::isatty(STDOUT_FILENO) == 1) {
    throw sds::Error(sds::Errc::invalid_argument,
                     "export - writes a binary archive to standard output, which is a terminal",
                     "redirect it to a file or a pipe, or name a FILE");
  }
  if (to_stdout && common.json) {
    throw sds::Error(sds::Errc::invalid_argument,
                     "export - --json: standard output carries the archive",
                     "leave out --json, or name a FILE");
  }
  maintenance::Selection selection{{}, !options.no_blobs};
  for (const std::string& id : options.stores) selection.stores.push_back(parse_id(id, "--store"));
  catch_interrupts();
  Source source(options.uri);
  ProgressBar bar("exporting");
  maintenance::ContentCounts counts;
  try {
    counts = maintenance::export_archive(options.file, source.format_version(),
                                         [&](sds::core::ContentVisitor& writer) {
                                           return source.read(selection, writer, bar.callback());
                                         });
  } catch (const Interrupted&) {
    throw Interrupted(fmt::format(
        "interrupted after reading {} from '{}'; {}", human_bytes(bar.done()), source.uri(),
        to_stdout ? "the archive on standard output is incomplete" : "no file was written"));
  }
  if (common.json) {
    print_json(
        {{"source", source.uri()}, {"archive", options.file}, {"counts", counts_json(counts)}});
  } else if (!common.quiet) {
    // With the archive on stdout, what was done goes to stderr.
    fmt::print(to_stdout ? stderr : stdout, "exported {} from {} to {}\n", summary(counts),
               source.uri(), to_stdout ? "standard output" : options.file);
  }
  return kExitOk;
}

}  // namespace

void setup_export(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* sub = app.add_subcommand(
      "export", "Write stores and blobs to a single-file archive (docs/ARCHIVE.md; read-only)");
  sub->add_option("URI", options->uri, "Database URI")->required();
  sub->add_option("FILE", options->file,
                  "Archive file to write (replaced if it exists), or - for standard output")
      ->required();
  sub->add_option("--store", options->stores,
                  "Export only this store (repeatable; ids as `sdsctl stores` prints them)");
  sub->add_flag("--no-blobs", options->no_blobs, "Leave the blobs out");
  add_common_options(sub);
  sub->callback([options, &chosen] { chosen = [options] { return run_export(*options); }; });
}

}  // namespace sdsctl
