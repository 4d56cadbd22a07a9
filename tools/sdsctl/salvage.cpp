// sdsctl salvage SRC DST: every record that passes its checks into a new
// database, each damaged one skipped and listed with the reason.
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

// At most this many of what salvage left behind or changed are listed; the
// totals count all.
constexpr std::size_t kMaxListed = 1000;

struct SalvageOptions {
  std::string source;
  std::string destination;
  TransferFlags flags;
};

const char* kind_name(maintenance::Salvaged::Kind kind) {
  switch (kind) {
    case maintenance::Salvaged::Kind::skipped:
      return "skipped";
    case maintenance::Salvaged::Kind::repaired:
      return "repaired";
    case maintenance::Salvaged::Kind::recounted:
      break;
  }
  return "recounted";
}

int run_salvage(const SalvageOptions& options) {
  const CommonOptions& common = common_options();
  catch_interrupts();
  const auto source = open_source(options.source);
  Target target(options.destination, &source.shared->config());
  const sds::core::TargetPolicy policy = policy_of(options.flags);
  check_target(target, policy);
  std::vector<maintenance::Salvaged> listed;
  std::uint64_t skipped = 0;
  std::uint64_t repaired = 0;
  std::uint64_t lost_counts = 0;
  const maintenance::SalvageLog log = [&](const maintenance::Salvaged& entry) {
    switch (entry.kind) {
      case maintenance::Salvaged::Kind::skipped:
        ++skipped;
        break;
      case maintenance::Salvaged::Kind::repaired:
        ++repaired;
        break;
      case maintenance::Salvaged::Kind::recounted:
        ++lost_counts;
        break;
    }
    if (listed.size() < kMaxListed) listed.push_back(entry);
  };
  ProgressBar bar("salvaging");
  const TransferResult result =
      transfer(target, policy, sds::core::in_quotes(source.shared->uri()), bar,
               [&](sds::core::ContentVisitor& staging) {
                 return maintenance::salvage_contents(*source.shared, staging, log, bar.callback());
               });
  const std::uint64_t unlisted = skipped + repaired + lost_counts - listed.size();
  const bool exact = policy == sds::core::TargetPolicy::empty;
  if (common.json) {
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& entry : listed) {
      entries.push_back(
          {{"action", kind_name(entry.kind)}, {"what", entry.what}, {"why", entry.why}});
    }
    print_json({{"source", source.shared->uri()},
                {"target", target.uri()},
                {"counts", counts_json(result.counts)},
                {"skipped", skipped},
                {"repaired", repaired},
                {"recounted", lost_counts},
                {"entries", entries},
                {"unlisted_entries", unlisted},
                {"published", published_json(result.published, exact)}});
  } else {
    // What was left behind is listed even with --quiet: it is the result.
    for (const auto& entry : listed) {
      fmt::print("{}: {}: {}\n", kind_name(entry.kind), entry.what, entry.why);
    }
    if (unlisted > 0) fmt::print("... and {} more not listed\n", unlisted);
    if (!common.quiet) {
      fmt::print("salvaged {} from {} to {}: {} skipped, {} repaired, {} recounted\n",
                 summary(result.counts), source.shared->uri(), target.uri(), skipped, repaired,
                 lost_counts);
      fmt::print("{}", published_text(result.published, exact));
      if (lost_counts > 0) {
        fmt::print(
            "{} set to 1 may be lower than the references in use: before releasing such a "
            "blob, retain it once for every further store that uses it\n",
            count_of(lost_counts, "reference count"));
      }
    }
  }
  return skipped > 0 ? kExitProblems : kExitOk;
}

}  // namespace

void setup_salvage(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<SalvageOptions>();
  CLI::App* sub = app.add_subcommand(
      "salvage",
      "Copy every record that passes its checks into another database, skipping and listing "
      "each damaged one; exit 1 when something was skipped");
  sub->add_option("SRC_URI", options->source, "The damaged database (opened read-only)")
      ->required();
  sub->add_option("DST_URI", options->destination, "Target database URI (created if missing)")
      ->required();
  add_transfer_flags(sub, options->flags);
  add_common_options(sub);
  sub->callback([options, &chosen] { chosen = [options] { return run_salvage(*options); }; });
}

}  // namespace sdsctl
