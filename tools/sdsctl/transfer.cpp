#include "tools/sdsctl/transfer.hpp"

#include <fmt/core.h>

#include "core/errors.hpp"
#include "sds/error.hpp"
#include "tools/sdsctl/interrupt.hpp"
#include "tools/sdsctl/output.hpp"

namespace sdsctl {
namespace {

using sds::core::in_quotes;

// What the target is after a run that published nothing.
std::string unchanged(const Target& target) {
  return target.created() ? "the new database " + in_quotes(target.uri()) + " is removed again"
                          : in_quotes(target.uri()) + " is as it was";
}

}  // namespace

void add_transfer_flags(CLI::App* sub, TransferFlags& flags) {
  CLI::Option* merge = sub->add_flag(
      "--merge", flags.merge,
      "Write into a database that holds data: add the stores (an id it has already is "
      "refused) and add the reference counts");
  sub->add_flag("--force", flags.force,
                "Write into a database that holds data, replacing its stores of the same ids; "
                "reference counts are added, never lowered")
      ->excludes(merge);
}

sds::core::TargetPolicy policy_of(const TransferFlags& flags) {
  if (flags.force) return sds::core::TargetPolicy::replace;
  if (flags.merge) return sds::core::TargetPolicy::merge;
  return sds::core::TargetPolicy::empty;
}

void check_target(Target& target, sds::core::TargetPolicy policy) {
  if (policy != sds::core::TargetPolicy::empty) return;
  const sds::core::TargetContents contents = target.count();
  if (contents.empty()) return;
  throw sds::Error(sds::Errc::invalid_argument,
                   in_quotes(target.uri()) + " holds " + count_of(contents.stores, "store") +
                       " and " + count_of(contents.blobs, "blob") + " already",
                   "pass --merge to add to them, or --force to replace its stores of the same "
                   "ids (reference counts are added, never lowered), or name an empty or new "
                   "database");
}

TransferResult transfer(
    Target& target, sds::core::TargetPolicy policy, const std::string& from, ProgressBar& bar,
    const std::function<sds::core::maintenance::ContentCounts(sds::core::ContentVisitor&)>& read) {
  TransferResult result;
  try {
    std::unique_ptr<sds::core::Staging> staging = target.begin_staging(policy);
    result.counts = read(*staging);
    check_interrupt();
    result.published = staging->publish();
  } catch (const Interrupted&) {
    throw Interrupted(fmt::format("interrupted after reading {} from {}; nothing was published: {}",
                                  human_bytes(bar.done()), from, unchanged(target)));
  } catch (const sds::Error& error) {
    throw sds::Error(error.code(), std::string(error.message()),
                     "nothing was published: " + unchanged(target) +
                         (error.advice().empty() ? "" : "; " + std::string(error.advice())));
  }
  target.keep();
  return result;
}

std::string published_text(const sds::core::PublishReport& report, bool counts_exact) {
  std::string out;
  if (report.stores_replaced > 0) {
    out += "replaced " + count_of(report.stores_replaced, "store") + ":";
    for (const std::string& id : report.replaced) out += " '" + printed(id) + "'";
    out += "\n";
  }
  if (report.blobs_counted > 0) {
    out += fmt::format("{} the target had already: their reference counts were added to its own\n",
                       count_of(report.blobs_counted, "blob"));
  }
  if (!counts_exact) {
    out +=
        "reference counts may be higher than the references in use (a store replaced, blobs "
        "of stores not copied, or counts added): such a blob leaks, it is never deleted early\n";
  }
  return out;
}

nlohmann::json published_json(const sds::core::PublishReport& report, bool counts_exact) {
  nlohmann::json replaced = nlohmann::json::array();
  for (const std::string& id : report.replaced) replaced.push_back(printed(id));
  return {{"stores_added", report.stores_added},
          {"stores_replaced", report.stores_replaced},
          {"replaced", replaced},
          {"blobs_added", report.blobs_added},
          {"blobs_counted", report.blobs_counted},
          {"reference_counts", counts_exact ? "exact" : "may be high"}};
}

}  // namespace sdsctl
