// sdsctl: inspect, verify, copy, back up and compact sds-persistence databases.
#include <fmt/core.h>

#include <cstdio>
#include <exception>
#include <sds/sds.hpp>

#include "tools/sdsctl/commands.hpp"

namespace {

std::string version_text() {
  std::string schemes;
  for (const std::string& scheme : sds::backends())
    schemes += (schemes.empty() ? "" : ", ") + scheme;
  return fmt::format("sdsctl {} (sds-persistence; backends: {})", sds::version(), schemes);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Inspect, verify, copy, back up and compact sds-persistence databases.", "sdsctl"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  sdsctl::Command chosen;
  sdsctl::setup_backends(app, chosen);
  sdsctl::setup_stores(app, chosen);
  sdsctl::setup_stat(app, chosen);
  sdsctl::setup_dump(app, chosen);
  sdsctl::setup_verify(app, chosen);
  sdsctl::setup_copy(app, chosen);
  sdsctl::setup_export(app, chosen);
  sdsctl::setup_import(app, chosen);
  sdsctl::setup_compact(app, chosen);
  sdsctl::setup_bench(app, chosen);
  // CLI11 would report a mistyped subcommand as a missing one.
  if (argc > 1 && argv[1][0] != '-') {
    const auto subcommands =
        app.get_subcommands([&](CLI::App* sub) { return sub->check_name(argv[1]); });
    if (subcommands.empty()) {
      fmt::print(stderr, "sdsctl: unknown subcommand '{}' (see sdsctl --help)\n", argv[1]);
      return sdsctl::kExitUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(error);
    fmt::print(stderr, "sdsctl: {} (see sdsctl --help)\n", error.what());
    return sdsctl::kExitUsage;
  }
  try {
    return chosen();
  } catch (const sds::Error& error) {
    fmt::print(stderr, "sdsctl: {}\n", error.what());
  } catch (const std::exception& error) {
    fmt::print(stderr, "sdsctl: unexpected error: {}\n", error.what());
  }
  return sdsctl::kExitFailure;
}
