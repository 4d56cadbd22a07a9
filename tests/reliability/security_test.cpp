// What the engine promises a system administrator (docs/DESIGN.md sections
// 8.3 and 11.7): files take their permissions from the umask; store ids and
// hashes are data, never paths; a URI's password appears in no message and
// in no output of sdsctl; and a read-only open, through the API or sdsctl,
// neither changes a byte of the database nor leaves a file behind.
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "tests/conformance/conformance.hpp"
#include "tests/reliability/file_tree.hpp"
#include "tests/reliability/reliability_report.hpp"

namespace sds::test {

std::vector<std::string> conformance_schemes() { return {}; }

namespace {

namespace fs = std::filesystem;

// Runs sdsctl with `args` (each quoted for the shell) under `umask`; its
// stdout and stderr together, and its exit code in `status`.
std::string run_sdsctl(const std::vector<std::string>& args, int* status = nullptr,
                       const char* umask_value = nullptr) {
  std::string command;
  if (umask_value) command += std::string("umask ") + umask_value + "; ";
  command += "'" SDSCTL_PATH "'";
  for (const std::string& arg : args) {
    std::string quoted = "'";
    for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    command += " " + quoted + "'";
  }
  command += " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  std::array<char, 4096> buffer{};
  for (std::size_t n; pipe && (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) {
    output.append(buffer.data(), n);
  }
  const int raw = pipe ? pclose(pipe) : -1;
  if (status) *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return output;
}

// Fills a database: two stores, snapshots, patches and blobs.
void fill(const std::string& uri) {
  auto db = open_database(uri);
  for (const char* id : {"notes", "todo"}) {
    auto store = db->store(id);
    store->save_snapshot(bytes(std::string("snapshot of ") + id), 3);
    for (Clock clock = 4; clock < 10; ++clock) store->append_patch(bytes("patch"), clock);
    store->save_value(std::string("blob of ") + id, bytes("blob"));
  }
}

// Every file and directory under `root` must have no permission bit the
// umask clears.
void check_modes(const std::string& root, mode_t umask_value, ReliabilityReport& report) {
  std::error_code error;
  for (const auto& entry : fs::recursive_directory_iterator(root, error)) {
    struct stat info {};
    if (lstat(entry.path().c_str(), &info) != 0) continue;
    report.count("files_checked");
    if ((info.st_mode & umask_value & 0777) != 0) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", info.st_mode & 07777);
      report.violation(entry.path().string() + " has mode " + mode + " under umask " +
                       std::to_string(umask_value));
    }
  }
}

class Security : public ::testing::TestWithParam<BackendUnderTest> {
 protected:
  std::string uri_in(const std::string& dir) const { return GetParam().make_uri(dir); }
};

TEST_P(Security, FilesTakeTheirPermissionsFromTheUmask) {
  ReliabilityReport report("security_umask " + GetParam().scheme);
  for (const mode_t umask_value : {mode_t{077}, mode_t{022}, mode_t{027}}) {
    TempDir dir;
    // The whole process's umask (each test runs in a process of its own),
    // restored once the databases are closed (RocksDB's background work done).
    const mode_t before = ::umask(umask_value);
    {
      fill(uri_in(dir.path()));
      auto db = open_database(uri_in(dir.path()));
      db->store("notes")->append_patch(bytes("while open"), 20);
      check_modes(dir.path(), umask_value, report);  // -wal, -shm, lock files
      db->flush();
    }
    check_modes(dir.path(), umask_value, report);

    // sdsctl's outputs: an archive, and the databases that copy, import and
    // salvage create; then a compaction of one of them.
    const std::string mask = std::to_string(umask_value / 64) +
                             std::to_string(umask_value / 8 % 8) + std::to_string(umask_value % 8);
    TempDir out;
    const std::string archive = out.path() + "/backup.sdsa";
    std::vector<std::vector<std::string>> commands = {{"export", uri_in(dir.path()), archive}};
    // salvage reads key-value schemes only.
    std::vector<std::string> targets = {"copy", "import"};
    if (GetParam().key_value) targets.push_back("salvage");
    for (const std::string& target : targets) {
      fs::create_directory(out.path() + "/" + target);
      const std::string source = target == "import" ? archive : uri_in(dir.path());
      commands.push_back({target, source, uri_in(out.path() + "/" + target)});
    }
    if (GetParam().capabilities.compaction) {
      commands.push_back({"compact", uri_in(out.path() + "/copy")});
    }
    for (const auto& command : commands) {
      int status = 0;
      const std::string output = run_sdsctl(command, &status, mask.c_str());
      EXPECT_EQ(status, 0) << command[0] << ": " << output;
      report.count("sdsctl_runs");
    }
    check_modes(out.path(), umask_value, report);
    if (!fs::exists(archive)) report.violation("sdsctl export wrote no archive");
    ::umask(before);
  }
  report.print();
}

// Store ids and hashes that look like paths stay keys: nothing appears
// outside the database's own files, and each reads back as written.
TEST_P(Security, StoreIdsAndHashesAreNeverPaths) {
  ReliabilityReport report("security_ids " + GetParam().scheme);
  TempDir dir;
  const std::string cwd = dir.path() + "/cwd";
  const std::string home = dir.path() + "/db";
  fs::create_directories(cwd);
  fs::create_directories(home);
  const std::string uri = uri_in(home);
  const std::vector<std::string> ids = {"../x",
                                        "../../escape",
                                        "/etc/passwd",
                                        "/tmp/sds-security-probe",
                                        "..",
                                        ".",
                                        "a/b/c",
                                        std::string("nul\0inside", 10),
                                        std::string(kMaxStoreIdBytes, '/'),
                                        std::string(kMaxStoreIdBytes - 3, '.') + "/..",
                                        "con",
                                        "x:y\\z"};
  const std::uint64_t passwd_before = fingerprint("/etc/passwd");
  const fs::path old_cwd = fs::current_path();
  fs::current_path(cwd);  // a relative path would land here
  {
    auto db = open_database(uri);
    for (const std::string& id : ids) {
      auto store = db->store(id);
      store->save_snapshot(bytes("snapshot of " + id), 1);
      store->append_patch(bytes("patch of " + id), 2);
      store->save_value(id.substr(0, kMaxHashBytes), bytes("blob " + id));
      report.count("ids");
    }
    // Over the limits: refused, as data too.
    expect_error(Errc::invalid_argument,
                 [&] { db->store(std::string(kMaxStoreIdBytes + 1, '/')); });
    expect_error(Errc::invalid_argument, [&] {
      db->store("x")->save_value(std::string(kMaxHashBytes + 1, '.'), bytes("b"));
    });
    for (const std::string& id : ids) {
      auto store = db->store(id);
      if (store->load_snapshot() != bytes("snapshot of " + id) ||
          store->load_patches_since(1) != std::vector<Bytes>{bytes("patch of " + id)} ||
          store->load_value(id.substr(0, kMaxHashBytes)) != bytes("blob " + id)) {
        report.violation("store or blob '" + id + "' did not read back");
      }
    }
  }
  fs::current_path(old_cwd);
  if (!fs::is_empty(cwd)) report.violation("files appeared in the working directory");
  for (const auto& [name, hash] : file_tree(dir.path())) {
    report.count("files_checked");
    const bool ours = name == "cwd" || name == "db" || name.starts_with("db/");
    if (!ours) report.violation("a file appeared outside the database: " + name);
    if (name.find("passwd") != std::string::npos || name.find("escape") != std::string::npos ||
        name.find("probe") != std::string::npos) {
      report.violation("a file is named after a store id: " + name);
    }
  }
  if (fs::exists("/tmp/sds-security-probe")) report.violation("/tmp/sds-security-probe exists");
  EXPECT_EQ(fingerprint("/etc/passwd"), passwd_before);
  report.print();
}

// A read-only open, through the API and through each read-only command of
// sdsctl: the database's bytes and its directory listing stay as they were.
TEST_P(Security, ReadOnlyOpensChangeNothingAndLeaveNothing) {
  ReliabilityReport report("security_read_only " + GetParam().scheme);
  TempDir dir;
  const std::string uri = uri_in(dir.path());
  fill(uri);
  const auto before = file_tree(dir.path());
  const auto unchanged = [&](const std::string& what) {
    const auto after = file_tree(dir.path());
    report.count("opens_checked");
    report.count("files_checked", after.size());
    if (after != before) {
      report.violation(what + " changed the database:" + describe(before) + " became" +
                       describe(after));
    }
  };
  {
    auto db = open_database(uri, {.read_only = true});
    for (const std::string& id : db->stores()) {
      auto store = db->store(id);
      store->load_snapshot();
      store->load_patches_since(0);
      store->stats();
      expect_error(Errc::unsupported, [&] { store->append_patch(bytes("no"), 100); });
    }
    db->stats();
  }
  unchanged("a read-only open through the API");
  TempDir out;
  std::vector<std::vector<std::string>> commands = {{"stat", uri},
                                                    {"stores", uri},
                                                    {"export", uri, out.path() + "/archive.sdsa"},
                                                    {"copy", uri, GetParam().make_uri(out.path())}};
  if (GetParam().key_value) {  // dump and verify read key-value schemes only
    commands.push_back({"dump", uri, "notes"});
    commands.push_back({"verify", uri});
  }
  for (const auto& args : commands) {
    int status = 0;
    const std::string output = run_sdsctl(args, &status);
    EXPECT_EQ(status, 0) << args[0] << ": " << output;
    unchanged("sdsctl " + args[0]);
  }
  report.print();
}

// A read-only open of a path that holds no database creates nothing: not the
// file, not a directory, not a journal.
TEST_P(Security, ReadOnlyOpensCreateNoDatabase) {
  ReliabilityReport report("security_no_database " + GetParam().scheme);
  TempDir dir;
  const std::string uri = uri_in(dir.path());
  const auto refused = [&](const std::string& what) {
    const auto before = file_tree(dir.path());
    expect_error(Errc::not_found, [&] { open_database(uri, {.read_only = true}); });
    int status = 0;
    const std::string output = run_sdsctl({"stat", uri}, &status);
    EXPECT_EQ(status, 3) << output;  // not found
    report.count("opens_checked", 2);
    if (file_tree(dir.path()) != before)
      report.violation("a read-only open of " + what + " created files");
  };
  refused("a missing path");
  // What each path kind may hold when it holds no database.
  const std::string path = uri.substr(uri.find(':') + 1);
  if (GetParam().make_uri("/d").ends_with(".db")) {
    std::ofstream(path).flush();  // an empty file
    refused("an empty file");
  } else {
    fs::create_directories(path);
    refused("an empty directory");
  }
  report.print();
}

// The persistent schemes that create files on this machine.
INSTANTIATE_TEST_SUITE_P(Backends, Security,
                         ::testing::ValuesIn(without_servers(persistent_backends_under_test())),
                         backend_name);

// A password in a URI (user:password@ in the authority, or a password=
// parameter) appears in no message: not in what() of an error of any scheme,
// not in Database::uri(), not in sdsctl's output, plain or JSON.
TEST(SecurityPasswords, NoMessageOrOutputShowsThem) {
  ReliabilityReport report("security_passwords");
  TempDir dir;
  const std::string secret = "s3cr3tPW";
  const auto leaks = [&](const std::string& where, std::string_view text) {
    report.count("messages_checked");
    // The secret, whole or percent-encoded in part.
    if (text.find(secret) != std::string::npos || text.find("s3cr%33tPW") != std::string::npos) {
      report.violation(where + " shows the password: " + std::string(text));
    }
  };
  std::vector<std::string> uris;
  for (const std::string& scheme : backends()) {
    for (const std::string& password : {secret, std::string("s3cr%33tPW")}) {
      uris.push_back(scheme + "://user:" + password + "@host" + dir.path() + "/db");
      uris.push_back(scheme + "://user:" + password + "@" + dir.path() + "/db");
      uris.push_back(scheme + ":" + dir.path() + "/db?password=" + password);
      uris.push_back(scheme + ":" + dir.path() + "/db?sync=full&password=" + password + "&x=1");
      uris.push_back(scheme + "://user:" + password + "@host" + dir.path() + "/db?bad=%zz");
    }
  }
  uris.push_back("nosuchscheme://user:" + secret + "@host/db");
  uris.push_back("postgres://user:" + secret + "@host/db");
  for (const std::string& uri : uris) {
    for (const bool read_only : {false, true}) {
      try {
        auto db = open_database(uri, {.read_only = read_only});
        leaks("Database::uri()", db->uri());
      } catch (const Error& error) {
        leaks("an error", error.what());
        leaks("an error's message", error.message());
        leaks("an error's advice", error.advice());
      }
    }
    // sdsctl runs for the plain password only: each run is a process.
    if (uri.find("%33") != std::string::npos) continue;
    leaks("sdsctl stat", run_sdsctl({"stat", uri}));
    leaks("sdsctl stat --json", run_sdsctl({"stat", "--json", uri}));
    leaks("sdsctl copy", run_sdsctl({"copy", "memory:", uri}));
    leaks("sdsctl export", run_sdsctl({"export", uri, dir.path() + "/archive"}));
  }
  report.count("uris", uris.size());
  report.print();
}

}  // namespace
}  // namespace sds::test
