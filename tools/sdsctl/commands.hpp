// The subcommands of sdsctl: each file adds one to the app (options struct,
// setup, run), as CLI11's examples/subcom_in_files does.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace sdsctl {

// Exit codes (docs/SDSCTL.md): 0 success, 1 failure (or problems found), 2
// usage error (or, for verify, could not run).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// What the chosen subcommand runs once the command line is parsed; it returns
// the exit code and may throw sds::Error (reported as one line, exit 1).
using Command = std::function<int()>;

void setup_backends(CLI::App& app, Command& chosen);
void setup_stores(CLI::App& app, Command& chosen);
void setup_stat(CLI::App& app, Command& chosen);
void setup_dump(CLI::App& app, Command& chosen);
void setup_verify(CLI::App& app, Command& chosen);
void setup_copy(CLI::App& app, Command& chosen);
void setup_export(CLI::App& app, Command& chosen);
void setup_import(CLI::App& app, Command& chosen);
void setup_compact(CLI::App& app, Command& chosen);
void setup_bench(CLI::App& app, Command& chosen);

}  // namespace sdsctl
