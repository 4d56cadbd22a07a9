// sdsctl in pipes and scripts: staged transfers that
// survive SIGKILL, --merge and --force, pipes, --json everywhere, the exit
// code table, --quiet and --progress, dump ranges, the --yes subcommands,
// and help that leads somewhere.
#include <fcntl.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sds/sds.hpp>
#include <string>
#include <vector>

#include "core/keys.hpp"
#include "core/open_shared_backend.hpp"
#include "tests/sdsctl_support.hpp"

namespace sds::test {
namespace {

namespace fs = std::filesystem;

class Scripts : public SdsctlTest {
 protected:
  // Runs sdsctl with its standard output on a terminal (a pseudo-terminal):
  // the exit code, and what it wrote to stderr.
  Result on_terminal(const std::vector<std::string>& args) const {
    int terminal = -1;
    const std::string err = path("err");
    const pid_t pid = forkpty(&terminal, nullptr, nullptr, nullptr);
    if (pid == 0) {
      const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(e, 2);
      std::vector<char*> argv{const_cast<char*>(SDSCTL_PATH)};
      for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
      argv.push_back(nullptr);
      execv(SDSCTL_PATH, argv.data());
      _exit(127);
    }
    char buffer[4096];
    while (read(terminal, buffer, sizeof buffer) > 0) {
    }
    close(terminal);
    int status = 0;
    waitpid(pid, &status, 0);
    Result result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.err = read_file(err);
    return result;
  }
};

TEST_F(Scripts, ATransferKilledMidwayLeavesTheTargetAsItWasAndTheNextRunCleansUp) {
  fill_big(sqlite("big.db"), 150000);
  const std::string target = uri_of("lmdb", "target");
  fill(target);
  sds::open(target, "big")->append_patch(sds::as_bytes("the old big"), 1);
  const std::string before = exported(target, "before.sdsa");
  const pid_t copy = start({"copy", sqlite("big.db"), target, "--force"});
  ASSERT_TRUE(wait_for_io(copy, 8 << 20)) << "the copy ended before it could be killed";
  kill(copy, SIGKILL);
  EXPECT_EQ(wait(copy).signal, SIGKILL);
  // Readers see the old contents; verify calls the staging area a note.
  EXPECT_TRUE(exported(target, "after.sdsa") == before) << "the target changed";
  const Result verify = sdsctl({"verify", target});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("an interrupted transfer"), std::string::npos) << verify.out;
  // The next transfer removes what was staged, then does its own.
  const Result again = sdsctl({"copy", sqlite("big.db"), target, "--force"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const Result clean = sdsctl({"verify", target});
  EXPECT_EQ(clean.out.find("interrupted transfer"), std::string::npos) << clean.out;
  EXPECT_EQ(clean.exit_code, 0);
  EXPECT_EQ(sds::open(target, "big")->stats().patch_count, 150001u);
}

TEST_F(Scripts, MergeAddsStoresAndRefusesAnIdTheTargetHasForceReplacesIt) {
  fill(sqlite("a.db"));
  sds::open(sqlite("b.db"), "other")->append_patch(sds::as_bytes("b's own"), 1);
  ASSERT_EQ(sdsctl({"copy", sqlite("a.db"), sqlite("b.db"), "--merge"}).exit_code, 0);
  EXPECT_EQ(sds::open_database(sqlite("b.db"))->stores().size(), 3u);
  const Result twice = sdsctl({"copy", sqlite("a.db"), sqlite("b.db"), "--merge"});
  EXPECT_EQ(twice.exit_code, 2) << twice.err;
  EXPECT_NE(twice.err.find("exists"), std::string::npos) << twice.err;
  EXPECT_EQ(sdsctl({"copy", sqlite("a.db"), sqlite("b.db"), "--merge", "--force"}).exit_code, 2);
  const Result forced = sdsctl({"copy", sqlite("a.db"), sqlite("b.db"), "--force", "--json"});
  ASSERT_EQ(forced.exit_code, 0) << forced.out;
  const auto report = nlohmann::json::parse(forced.out);
  EXPECT_EQ(report["published"]["stores_replaced"], 2);
  EXPECT_EQ(report["published"]["reference_counts"], "may be high");
  EXPECT_EQ(sds::open_database(sqlite("b.db"))->stores().size(), 3u);
}

TEST_F(Scripts, ExportAndImportWorkInAPipe) {
  fill(sqlite("a.db"));
  const Result piped = shell("SDSCTL export " + shell_quote(sqlite("a.db")) +
                             " - | SDSCTL import - " + shell_quote(sqlite("b.db")));
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_TRUE(exported(sqlite("a.db"), "a.sdsa") == exported(sqlite("b.db"), "b.sdsa"));
  // A stream cut short publishes nothing and leaves no database behind.
  write_file(path("cut.sdsa"), read_file(path("a.sdsa")).substr(0, 4000));
  const Result cut = sdsctl({"import", "-", sqlite("c.db")}, path("cut.sdsa"));
  EXPECT_EQ(cut.exit_code, 5) << cut.err;
  EXPECT_FALSE(fs::exists(path("c.db")));
  // Binary data is refused to a terminal.
  EXPECT_EQ(on_terminal({"export", sqlite("a.db"), "-"}).exit_code, 2);
  const Result raw = on_terminal({"dump", sqlite("a.db"), "notes", "--raw", "snapshot"});
  EXPECT_EQ(raw.exit_code, 2);
  EXPECT_NE(raw.err.find("-o FILE"), std::string::npos) << raw.err;
  ASSERT_EQ(
      sdsctl({"dump", sqlite("a.db"), "notes", "--raw", "patch:11", "-o", path("p")}).exit_code, 0);
  EXPECT_EQ(read_file(path("p")), "PATCH-MARKER-11");
}

TEST_F(Scripts, JsonOnEverySubcommandAndForErrors) {
  fill(sqlite("a.db"));
  ASSERT_EQ(sdsctl({"export", sqlite("a.db"), path("a.sdsa")}).exit_code, 0);
  const std::vector<std::vector<std::string>> commands{
      {"backends"},
      {"stores", sqlite("a.db")},
      {"stat", sqlite("a.db")},
      {"dump", sqlite("a.db"), "notes"},
      {"verify", sqlite("a.db")},
      {"copy", sqlite("a.db"), sqlite("b.db")},
      {"copy", sqlite("a.db"), sqlite("x.db"), "--dry-run"},
      {"export", sqlite("a.db"), path("c.sdsa")},
      {"import", path("a.sdsa"), sqlite("d.db")},
      {"salvage", sqlite("a.db"), sqlite("e.db")},
      {"compact", sqlite("b.db")},
      {"prune", sqlite("b.db"), "notes", "--before", "10", "--yes"},
      {"release", sqlite("b.db"), "sha256:shared", "--yes"},
      {"drop", sqlite("b.db"), "notes", "--yes"},
  };
  for (std::vector<std::string> args : commands) {
    args.push_back("--json");
    const Result result = sdsctl(args);
    EXPECT_EQ(result.exit_code, 0) << args[0] << ": " << result.out << result.err;
    EXPECT_TRUE(nlohmann::json::accept(result.out)) << args[0] << ": " << result.out;
  }
  const std::vector<std::pair<std::vector<std::string>, int>> failures{
      {{"stat", sqlite("missing.db")}, 3},
      {{"copy", sqlite("a.db"), sqlite("b.db")}, 2},
      {{"frobnicate"}, 2},
      {{"drop", sqlite("a.db"), "notes"}, 2},
  };
  for (auto args : failures) {
    const int expected = args.second;
    args.first.push_back("--json");
    const Result result = sdsctl(args.first);
    EXPECT_EQ(result.exit_code, expected) << args.first[0];
    const auto error = nlohmann::json::parse(result.out)["error"];
    EXPECT_EQ(error["exit_code"], expected) << result.out;
    EXPECT_FALSE(error["message"].get<std::string>().empty()) << result.out;
    EXPECT_FALSE(error["advice"].get<std::string>().empty()) << result.out;
    EXPECT_EQ(result.err, "") << args.first[0];
  }
}

TEST_F(Scripts, EachOutcomeHasItsExitCode) {
  fill(sqlite("a.db"));
  EXPECT_EQ(sdsctl({"verify", sqlite("a.db")}).exit_code, 0);
  fs::copy_file(path("a.db"), path("bad.db"));
  damage_sqlite("bad.db", "PATCH-MARKER-12");
  EXPECT_EQ(sdsctl({"verify", sqlite("bad.db")}).exit_code, 1);  // problems found
  EXPECT_EQ(sdsctl({"dump", sqlite("a.db"), "notes", "--raw", "foo"}).exit_code, 2);  // usage
  EXPECT_EQ(sdsctl({"import", path("missing.sdsa"), sqlite("x.db")}).exit_code, 3);   // not found
  EXPECT_EQ(sdsctl({"export", sqlite("bad.db"), path("bad.sdsa")}).exit_code, 5);     // damage
  write_file(path("not-a-db"), std::string(4096, 'x'));
  EXPECT_EQ(sdsctl({"verify", "sqlite:" + path("not-a-db")}).exit_code, 5);
  EXPECT_EQ(sdsctl({"copy", sqlite("a.db"), "postgres://127.0.0.1:1/db"}).exit_code, 6);  // other
}

TEST_F(Scripts, QuietAndProgress) {
  fill(sqlite("a.db"));
  const Result quiet = sdsctl({"copy", sqlite("a.db"), sqlite("b.db"), "--quiet"});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.out, "");
  EXPECT_EQ(quiet.err, "");
  const Result always = sdsctl({"copy", sqlite("a.db"), sqlite("c.db"), "--progress=always"});
  EXPECT_NE(always.err.find("copying"), std::string::npos) << always.err;
  const Result never = sdsctl({"verify", sqlite("a.db"), "--progress", "never"});
  EXPECT_EQ(never.err, "");
  EXPECT_EQ(sdsctl({"verify", sqlite("a.db"), "--progress=sometimes"}).exit_code, 2);
}

TEST_F(Scripts, StatSaysWhichThresholdItJudgedBy) {
  fill(sqlite("a.db"));
  const Result plain = sdsctl({"stat", sqlite("a.db"), "notes"});
  EXPECT_NE(plain.out.find("checkpoint_bytes=512KiB, the default"), std::string::npos) << plain.out;
  EXPECT_NE(plain.out.find("?checkpoint_bytes=SIZE"), std::string::npos) << plain.out;
  const Result given = sdsctl({"stat", sqlite("a.db") + "?checkpoint_bytes=64", "notes", "--json"});
  const auto stat = nlohmann::json::parse(given.out);
  EXPECT_EQ(stat["stores"][0]["checkpoint_bytes"], 64);
  EXPECT_EQ(stat["stores"][0]["checkpoint_bytes_from"], "uri");
  EXPECT_EQ(stat["stores"][0]["checkpoint_due"], true);
}

TEST_F(Scripts, DumpTakesARangeALimitAndHex) {
  fill(sqlite("a.db"));
  const Result range =
      sdsctl({"dump", sqlite("a.db"), "notes", "--from", "12", "--to", "15", "--no-blobs"});
  EXPECT_EQ(count_of(range.out, "  patch "), 3) << range.out;
  EXPECT_NE(range.out.find("clock                   12"), std::string::npos) << range.out;
  const Result limited = sdsctl({"dump", sqlite("a.db"), "notes", "--limit", "2"});
  EXPECT_EQ(count_of(limited.out, "  patch "), 2) << limited.out;
  EXPECT_NE(limited.out.find("more patches from clock 11 (--from 11)"), std::string::npos)
      << limited.out;
  EXPECT_EQ(count_of(limited.out, "  blob "), 2) << limited.out;
  const Result hex =
      sdsctl({"dump", sqlite("a.db"), "notes", "--from", "11", "--limit", "1", "--hex", "--json"});
  const auto dump = nlohmann::json::parse(hex.out);
  ASSERT_EQ(dump["patches"].size(), 1u);
  EXPECT_EQ(dump["patches"][0]["clock"], 11);
  EXPECT_EQ(dump["patches"][0]["hex"], "50415443482d4d41524b45522d3131");  // PATCH-MARKER-11
  EXPECT_EQ(dump["next_patch_clock"], 12);
}

TEST_F(Scripts, DropPruneAndReleaseAskForYes) {
  fill(sqlite("a.db"));
  const Result drop = sdsctl({"drop", sqlite("a.db"), "notes"});
  EXPECT_EQ(drop.exit_code, 2);
  EXPECT_NE(drop.err.find("pass --yes"), std::string::npos) << drop.err;
  EXPECT_NE(drop.err.find("11 patches"), std::string::npos) << drop.err;
  const Result prune = sdsctl({"prune", sqlite("a.db"), "notes", "--before", "12"});
  EXPECT_EQ(prune.exit_code, 2);
  EXPECT_NE(prune.err.find("3 patches below clock 12"), std::string::npos) << prune.err;
  const Result release = sdsctl({"release", sqlite("a.db"), "sha256:shared"});
  EXPECT_EQ(release.exit_code, 2);
  EXPECT_NE(release.err.find("from 2 to 1"), std::string::npos) << release.err;
  EXPECT_EQ(sds::open_database(sqlite("a.db"))->stores().size(), 2u);  // nothing changed

  ASSERT_EQ(sdsctl({"prune", sqlite("a.db"), "notes", "--before", "12", "--yes"}).exit_code, 0);
  EXPECT_EQ(sds::open(sqlite("a.db"), "notes")->load_patches_since(0).size(), 8u);
  ASSERT_EQ(sdsctl({"release", sqlite("a.db"), "sha256:single", "--yes"}).exit_code, 0);
  EXPECT_FALSE(sds::open(sqlite("a.db"), "notes")->load_value("sha256:single").has_value());
  EXPECT_EQ(sdsctl({"release", sqlite("a.db"), "sha256:single", "--yes"}).exit_code, 3);
  ASSERT_EQ(sdsctl({"drop", sqlite("a.db"), "bin\\x00\\xff/id", "--yes"}).exit_code, 0);
  EXPECT_EQ(sds::open_database(sqlite("a.db"))->stores(), std::vector<std::string>{"notes"});
  EXPECT_EQ(sdsctl({"drop", sqlite("a.db"), "gone", "--yes"}).exit_code, 3);
}

TEST_F(Scripts, VerifyRunsTheBackendsOwnCheck) {
  fill(sqlite("a.db"));
  const Result clean = sdsctl({"verify", sqlite("a.db")});
  EXPECT_NE(clean.out.find("backend check: SQLite PRAGMA integrity_check: ok"), std::string::npos)
      << clean.out;
  // A key moved out of order in the file: SQLite's own check sees it.
  std::string bytes = read_file(path("a.db"));
  std::string key = "S";
  for (int i = 7; i >= 0; --i) key.push_back(static_cast<char>(i == 0 ? 1 : 0));  // store #1
  key += "p";
  for (int i = 7; i >= 0; --i) key.push_back(static_cast<char>(i == 0 ? 12 : 0));  // clock 12
  const std::size_t at = bytes.find(key);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 10] = 0x7f;
  write_file(path("a.db"), bytes);
  const Result damaged = sdsctl({"verify", sqlite("a.db"), "--json"});
  EXPECT_EQ(damaged.exit_code, 1) << damaged.out << damaged.err;
  const auto report = nlohmann::json::parse(damaged.out);
  EXPECT_EQ(report["backend_check"]["ran"], true);
  EXPECT_GE(report["backend_check"]["problems"], 1);
  if (has_scheme("lmdb")) {
    fill("lmdb:" + path("env"));
    const Result lmdb = sdsctl({"verify", "lmdb:" + path("env")});
    EXPECT_NE(lmdb.out.find("backend check: none (LMDB 0.9 has no check of its own"),
              std::string::npos)
        << lmdb.out;
  }
}

TEST_F(Scripts, SalvageLeavesAHeaderWithoutItsSnapshotBehind) {
  fill(sqlite("a.db"));
  {
    // The snapshot of "notes" (store #1) damaged: its header must go too, or
    // the copy would claim a snapshot clock without a snapshot.
    const auto opened = sds::core::open_shared_backend(sqlite("a.db"), {});
    opened.shared->kv().update([](sds::kv::WriteTransaction& txn) {
      const std::string key = sds::core::keys::snapshot(1);
      const auto stored = txn.get(key);  // valid until the next call on txn
      sds::Bytes value(stored->begin(), stored->end());
      value.back() ^= 0x01;
      txn.put(key, value);
    });
  }
  const Result salvaged = sdsctl({"salvage", sqlite("a.db"), sqlite("b.db"), "--json"});
  EXPECT_EQ(salvaged.exit_code, 1) << salvaged.out << salvaged.err;
  const auto report = nlohmann::json::parse(salvaged.out);
  EXPECT_EQ(report["skipped"], 2) << salvaged.out;  // the snapshot and its header
  EXPECT_EQ(sdsctl({"verify", sqlite("b.db")}).exit_code, 0);
  auto notes = sds::open(sqlite("b.db"), "notes", {.read_only = true});
  EXPECT_FALSE(notes->snapshot_clock().has_value());
  EXPECT_EQ(notes->stats().patch_count, 11u);
}

TEST_F(Scripts, HelpLeadsSomewhere) {
  const Result typo = sdsctl({"cpoy"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("did you mean 'copy'?"), std::string::npos) << typo.err;
  const Result parameter = sdsctl({"stat", sqlite("a.db") + "?chekpoint_bytes=1"});
  EXPECT_NE(parameter.err.find("did you mean 'checkpoint_bytes'?"), std::string::npos)
      << parameter.err;
  // A directory given as an SQLite file, an archive given as a URI: each
  // error says what it is and what to do.
  fs::create_directory(path("dir"));
  const Result directory = sdsctl({"copy", sqlite("dir"), sqlite("x.db")});
  EXPECT_NE(directory.err.find("is a directory, not an SQLite file"), std::string::npos)
      << directory.err;
  EXPECT_EQ(directory.err.find("disk I/O error"), std::string::npos) << directory.err;
  fill(sqlite("a.db"));
  ASSERT_EQ(sdsctl({"export", sqlite("a.db"), path("a.sdsa")}).exit_code, 0);
  const Result archive = sdsctl({"stores", sqlite("a.sdsa")});
  EXPECT_EQ(archive.exit_code, 2);
  EXPECT_NE(archive.err.find("names an sdsctl archive, not a database"), std::string::npos)
      << archive.err;
  EXPECT_NE(archive.err.find("sdsctl import"), std::string::npos) << archive.err;
}

}  // namespace
}  // namespace sds::test
