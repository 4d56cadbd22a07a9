// sdsctl import FILE URI: an archive into a database, staged and published in
// one step once the whole archive verified. FILE "-" is standard input.
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
#include "tools/sdsctl/transfer.hpp"

namespace sdsctl {
namespace {

namespace maintenance = sds::core::maintenance;

struct ImportOptions {
  std::string file;
  std::string uri;
  TransferFlags flags;
};

int run_import(const ImportOptions& options) {
  const CommonOptions& common = common_options();
  const bool from_stdin = options.file == maintenance::kStandardStream;
  if (from_stdin && ::isatty(STDIN_FILENO) == 1) {
    throw sds::Error(sds::Errc::invalid_argument,
                     "import - reads an archive from standard input, which is a terminal",
                     "pipe an archive in: sdsctl export URI - | sdsctl import - URI");
  }
  catch_interrupts();
  const std::string name = from_stdin ? "standard input" : "'" + options.file + "'";
  ProgressBar bar("importing");
  if (!from_stdin) {
    // A file is checked whole first: a damaged one creates and writes nothing.
    maintenance::DiscardingVisitor check;
    try {
      maintenance::read_archive(options.file, check, bar.callback());
    } catch (const Interrupted&) {
      throw Interrupted(fmt::format("interrupted while checking {} ({} read); nothing was written",
                                    name, human_bytes(bar.done())));
    }
  }
  Target target(options.uri, nullptr);
  const sds::core::TargetPolicy policy = policy_of(options.flags);
  check_target(target, policy);
  // From standard input the archive is checked as it is staged: nothing is
  // published before its end entry and digest verify.
  const TransferResult result =
      transfer(target, policy, "archive " + name, bar, [&](sds::core::ContentVisitor& staging) {
        return maintenance::read_archive(options.file, staging, bar.callback());
      });
  const bool exact = policy == sds::core::TargetPolicy::empty;
  if (common.json) {
    print_json({{"archive", from_stdin ? "-" : options.file},
                {"target", target.uri()},
                {"counts", counts_json(result.counts)},
                {"published", published_json(result.published, exact)}});
  } else if (!common.quiet) {
    fmt::print("imported {} from {} to {} (verified)\n", summary(result.counts),
               from_stdin ? "standard input" : options.file, target.uri());
    fmt::print("{}", published_text(result.published, exact));
  }
  return kExitOk;
}

}  // namespace

void setup_import(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<ImportOptions>();
  CLI::App* sub = app.add_subcommand(
      "import",
      "Write an archive into a database: checked, staged, then published in one step; into an "
      "empty database unless --merge or --force");
  sub->add_option("FILE", options->file, "Archive file, or - for standard input")->required();
  sub->add_option("URI", options->uri, "Target database URI (created if missing)")->required();
  add_transfer_flags(sub, options->flags);
  add_common_options(sub);
  sub->callback([options, &chosen] { chosen = [options] { return run_import(*options); }; });
}

}  // namespace sdsctl
