// The subcommands of sdsctl: each file adds one to the app (options struct,
// setup, run), as CLI11's examples/subcom_in_files does.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "sds/error.hpp"

namespace sdsctl {

// Exit codes (docs/SDSCTL.md, "Exit codes"): one for each outcome a script
// tells apart.
inline constexpr int kExitOk = 0;
inline constexpr int kExitProblems = 1;       // verify found problems; salvage left some behind
inline constexpr int kExitUsage = 2;          // the command line, or what it asks, is refused
inline constexpr int kExitNotFound = 3;       // a database, store, record, blob or file
inline constexpr int kExitBusy = 4;           // another process holds what is needed
inline constexpr int kExitCorruption = 5;     // damage stopped the operation
inline constexpr int kExitFailure = 6;        // any other failure
inline constexpr int kExitInterrupted = 130;  // SIGINT (128 + the signal: 143 for SIGTERM)

// The exit code of an error of the library's `code`.
int exit_code_of(sds::Errc code);

enum class ProgressMode { automatic, always, never };

// Options every subcommand takes; one set, since one subcommand runs.
struct CommonOptions {
  bool json = false;   // results, and errors, as JSON on stdout
  bool quiet = false;  // nothing on success but the data asked for
  ProgressMode progress = ProgressMode::automatic;
};
CommonOptions& common_options();

// Adds --json, --quiet and --progress to a subcommand.
void add_common_options(CLI::App* sub);

// What the chosen subcommand runs once the command line is parsed; it returns
// the exit code and may throw sds::Error (reported as one line, or as JSON).
using Command = std::function<int()>;

void setup_backends(CLI::App& app, Command& chosen);
void setup_stores(CLI::App& app, Command& chosen);
void setup_stat(CLI::App& app, Command& chosen);
void setup_dump(CLI::App& app, Command& chosen);
void setup_verify(CLI::App& app, Command& chosen);
void setup_copy(CLI::App& app, Command& chosen);
void setup_export(CLI::App& app, Command& chosen);
void setup_import(CLI::App& app, Command& chosen);
void setup_salvage(CLI::App& app, Command& chosen);
void setup_compact(CLI::App& app, Command& chosen);
void setup_drop(CLI::App& app, Command& chosen);
void setup_prune(CLI::App& app, Command& chosen);
void setup_release(CLI::App& app, Command& chosen);
void setup_bench(CLI::App& app, Command& chosen);

}  // namespace sdsctl
