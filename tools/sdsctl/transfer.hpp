// What copy, import and salvage share: the --merge and --force choice, the
// check of the target against it, and the staged transfer itself
// (core/staging.hpp), which publishes everything or nothing.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "core/maintenance/contents.hpp"
#include "core/staging.hpp"
#include "tools/sdsctl/databases.hpp"
#include "tools/sdsctl/progress_bar.hpp"

namespace sdsctl {

struct TransferFlags {
  bool merge = false;
  bool force = false;
};
void add_transfer_flags(CLI::App* sub, TransferFlags& flags);
sds::core::TargetPolicy policy_of(const TransferFlags& flags);

// Refuses (invalid_argument) a target that the policy refuses as it is, with
// the flags that would take it.
void check_target(Target& target, sds::core::TargetPolicy policy);

struct TransferResult {
  sds::core::maintenance::ContentCounts counts;
  sds::core::PublishReport published;
};

// Stages what `read` hands over into `target` and publishes it in one step.
// On an error or Ctrl-C nothing is published; the error says so, and says
// what was done before it stopped. `from` names the source in messages.
TransferResult transfer(
    Target& target, sds::core::TargetPolicy policy, const std::string& from, ProgressBar& bar,
    const std::function<sds::core::maintenance::ContentCounts(sds::core::ContentVisitor&)>& read);

// What a publish did, and whether reference counts may now be too high (a
// leaked blob is reported, never a deleted one): a line per fact, and JSON.
std::string published_text(const sds::core::PublishReport& report, bool counts_exact);
nlohmann::json published_json(const sds::core::PublishReport& report, bool counts_exact);

}  // namespace sdsctl
