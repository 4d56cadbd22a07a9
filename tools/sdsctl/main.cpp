// sdsctl: inspect, verify, copy, back up, salvage and compact sds-persistence
// databases.
#include <fmt/core.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <sds/sds.hpp>
#include <string>

#include "core/suggest.hpp"
#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/interrupt.hpp"
#include "tools/sdsctl/output.hpp"

namespace sdsctl {

CommonOptions& common_options() {
  static CommonOptions options;
  return options;
}

void add_common_options(CLI::App* sub) {
  CommonOptions& options = common_options();
  sub->add_flag("--json", options.json,
                "Print the result, and any error, as JSON on stdout (docs/SDSCTL.md)");
  sub->add_flag("-q,--quiet", options.quiet, "Print nothing on success but the data asked for");
  sub->add_option_function<std::string>(
         "--progress",
         [](const std::string& when) {
           common_options().progress = when == "always"  ? ProgressMode::always
                                       : when == "never" ? ProgressMode::never
                                                         : ProgressMode::automatic;
         },
         "Draw a progress bar on stderr: auto (when stderr is a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->type_name("auto|always|never");
}

int exit_code_of(sds::Errc code) {
  switch (code) {
    case sds::Errc::invalid_argument:
      return kExitUsage;
    case sds::Errc::not_found:
      return kExitNotFound;
    case sds::Errc::busy:
      return kExitBusy;
    case sds::Errc::corruption:
      return kExitCorruption;
    case sds::Errc::unsupported:
    case sds::Errc::version:
    case sds::Errc::io_error:
    case sds::Errc::full:
    case sds::Errc::closed:
      break;
  }
  return kExitFailure;
}

}  // namespace sdsctl

namespace {

std::string version_text() {
  std::string schemes;
  for (const std::string& scheme : sds::backends())
    schemes += (schemes.empty() ? "" : ", ") + scheme;
  return fmt::format("sdsctl {} (sds-persistence; backends: {})", sds::version(), schemes);
}

// Where `cmake --install` put the documentation and the man pages (the
// install prefix configured when sdsctl was built).
std::string documentation_text() {
  std::string text = fmt::format(
      "Documentation: {} (README.md; docs/SDSCTL.md: every subcommand and the --json shapes; "
      "docs/ARCHIVE.md: the archive format)",
      SDS_INSTALL_FULL_DOCDIR);
#ifdef SDS_BUILD_MAN
  text += fmt::format("\n\nManual pages: {}/man1 (sdsctl.1, sdsctl-SUBCOMMAND.1)",
                      SDS_INSTALL_FULL_MANDIR);
#endif
  return text;
}

int usage_error(const std::string& message, const std::string& advice) {
  sdsctl::report_error("usage", sdsctl::kExitUsage, message, advice);
  return sdsctl::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Inspect, verify, copy, back up, salvage and compact sds-persistence databases.",
               "sdsctl"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 success, 1 problems found (verify, salvage), 2 usage, 3 not found, 4 busy, "
      "5 damage stopped it, 6 other failure, 130 interrupted. Store ids and hashes are printed "
      "and accepted with bytes outside printable ASCII as \\xNN.\n\n" +
      documentation_text());
  sdsctl::Command chosen;
  sdsctl::setup_backends(app, chosen);
  sdsctl::setup_stores(app, chosen);
  sdsctl::setup_stat(app, chosen);
  sdsctl::setup_dump(app, chosen);
  sdsctl::setup_verify(app, chosen);
  sdsctl::setup_copy(app, chosen);
  sdsctl::setup_export(app, chosen);
  sdsctl::setup_import(app, chosen);
  sdsctl::setup_salvage(app, chosen);
  sdsctl::setup_compact(app, chosen);
  sdsctl::setup_drop(app, chosen);
  sdsctl::setup_prune(app, chosen);
  sdsctl::setup_release(app, chosen);
  sdsctl::setup_bench(app, chosen);
  // Errors of the command line itself come before --json is parsed.
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) sdsctl::common_options().json = true;
  }
  // CLI11 would report a mistyped subcommand as a missing one.
  if (argc > 1 && argv[1][0] != '-') {
    const auto subcommands =
        app.get_subcommands([&](CLI::App* sub) { return sub->check_name(argv[1]); });
    if (subcommands.empty()) {
      std::vector<std::string> names;
      for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
      const auto meant = sds::core::closest(argv[1], names);
      return usage_error(fmt::format("unknown subcommand '{}'", argv[1]),
                         meant ? fmt::format("did you mean '{}'? see sdsctl --help", *meant)
                               : std::string("see sdsctl --help"));
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(error);
    return usage_error(error.what(), "see sdsctl --help, or sdsctl SUBCOMMAND --help");
  }
  try {
    return chosen();
  } catch (const sdsctl::Interrupted& interrupted) {
    const int signal = sdsctl::interrupt_signal();
    const int code = signal != 0 ? 128 + signal : sdsctl::kExitInterrupted;
    sdsctl::report_error("interrupted", code, interrupted.what(), "run the command again to do it");
    return code;
  } catch (const sds::Error& error) {
    const int code = sdsctl::exit_code_of(error.code());
    sdsctl::report_error(sds::to_string(error.code()), code, error.message(), error.advice());
    return code;
  } catch (const std::exception& error) {
    sdsctl::report_error("unexpected", sdsctl::kExitFailure,
                         std::string("unexpected error: ") + error.what(),
                         "please report it with the command that caused it");
  }
  return sdsctl::kExitFailure;
}
