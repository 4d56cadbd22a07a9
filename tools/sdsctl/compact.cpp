// sdsctl compact URI: gives the space of deleted data back to the file system.
#include <fmt/core.h>

#include <memory>
#include <sds/sds.hpp>

#include "core/errors.hpp"
#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/databases.hpp"
#include "tools/sdsctl/output.hpp"

namespace sdsctl {
namespace {

struct CompactOptions {
  std::string uri;
};

std::string on_disk(const std::optional<std::uint64_t>& bytes) {
  return bytes ? fmt::format("{} ({} bytes)", human_bytes(*bytes), *bytes) : "unknown";
}

int run_compact(const CompactOptions& options) {
  const auto opened = open_existing(options.uri);
  sds::kv::Backend& kv = opened.shared->kv();
  const auto before = kv.bytes_on_disk();
  try {
    kv.compact();
  } catch (const sds::Error& error) {
    // The backend names the URI in its own errors; only the default of the kv
    // trait, for a backend without compaction, cannot.
    if (error.code() != sds::Errc::unsupported) throw;
    const std::string uri = opened.shared->uri();
    throw sds::Error(sds::Errc::unsupported,
                     "cannot compact " + sds::core::in_quotes(uri) + ": the " +
                         uri.substr(0, uri.find(':')) + " backend has nothing to reclaim",
                     "nothing to do");
  }
  const auto after = kv.bytes_on_disk();
  if (common_options().json) {
    print_json({{"uri", opened.shared->uri()},
                {"bytes_before", json_or_null(before)},
                {"bytes_after", json_or_null(after)}});
  } else if (!common_options().quiet) {
    fmt::print("{}: {} before, {} after\n", opened.shared->uri(), on_disk(before), on_disk(after));
  }
  return kExitOk;
}

}  // namespace

void setup_compact(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<CompactOptions>();
  CLI::App* sub = app.add_subcommand(
      "compact", "Reclaim space (SQLite VACUUM, RocksDB full compaction, LMDB compacting copy)");
  sub->add_option("URI", options->uri, "Database URI (must exist)")->required();
  add_common_options(sub);
  sub->callback([options, &chosen] { chosen = [options] { return run_compact(*options); }; });
}

}  // namespace sdsctl
