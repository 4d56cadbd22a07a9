// Bad URIs (docs/DESIGN.md section 8): every rule of the grammar, of
// decoding and of paths, on every scheme it concerns. Each case is
// invalid_argument, or the code of section 10 that its rule names, or
// correct behaviour; never a crash, another exception, or a file created.
#include <filesystem>
#include <fstream>

#include "tests/reliability/bad_input.hpp"

namespace sds::test {

namespace {

namespace fs = std::filesystem;

// What a directory holds, names only.
std::vector<std::string> listing(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(BadUri, TheGrammarAndDecodingRulesAreInvalidArgument) {
  const std::string nul(1, '\0');
  const std::vector<std::string> uris = {
      "",                                                     // empty
      "memory",                                               // no scheme
      ":x",                                                   // empty scheme
      "mem ory:x",                                            // a space in the scheme
      "mem" + nul + "ory:x",                                  // a NUL in the scheme
      "nosuch:x",                                             // unknown scheme
      "memory:x?",                                            // trailing '?'
      "memory:x?sync=full&",                                  // trailing '&'
      "memory:x?&sync=full",                                  // an empty part
      "memory:x?sync",                                        // no '='
      "memory:x?=full",                                       // an empty key
      "memory:x?sync=full&sync=full",                         // a repeated key, same value
      "memory:x?sync=full&%73ync=normal",                     // a repeated key once decoded
      "memory:x?sync=fu" + nul + "ll",                        // a NUL in a value
      "memory:x?sync=full%00",                                // an escaped NUL in a value
      "memory:x?sync=full=1",                                 // '=' in a value is part of it
      "memory:%",                                             // a cut escape
      "memory:%4",                                            //
      "memory:%zz",                                           // not hex
      "memory:%4g",                                           //
      "memory:%%41",                                          // '%' must be written %25
      "memory:x?a%=1",                                        // a bad escape in a key
      "memory:x?sync=%",                                      // in a value
      "memory://%zz/x",                                       // in an authority
      "memory:x?sync=" + std::string(4096, 'x'),              // a 4 KiB value
      "memory:x?checkpoint_bytes=" + std::string(4096, '9'),  // a 4 KiB number
      "memory:x?" + std::string(4096, 'k') + "=1",            // a 4 KiB key
  };
  for (const std::string& uri : uris) {
    SCOPED_TRACE(core::keys::printable(uri));
    refused("uris", Errc::invalid_argument, [&] { sds::open_database(uri); });
    refused("uris", Errc::invalid_argument, [&] { sds::open_database(uri, {.read_only = true}); });
  }
}

TEST(BadUri, NamesOfTheMemorySchemeAreTakenAsTheyAre) {
  // '#' is no fragment, a NUL is a byte of the name, %41 is 'A', and a
  // name of 4 KiB is a name.
  const std::string nul(1, '\0');
  const std::vector<std::pair<std::string, std::string>> same = {
      {"memory:bad-uri-a#b?sync=full", "memory:bad-uri-a#b"},
      {"memory:bad-uri-a" + nul + "b", "MEMORY:bad-uri-a%00b"},
      {"memory:bad-uri-%41", "memory:bad-uri-A"},
      {"memory:" + std::string(4096, 'n'), "memory:" + std::string(4096, 'n')},
  };
  int written = 0;
  for (const auto& [first, second] : same) {
    SCOPED_TRACE(core::keys::printable(first));
    tried("uris");
    sds::open(first, "doc")->append_patch(bytes("p" + std::to_string(written)), 1);
    EXPECT_EQ(texts(sds::open(second, "doc")->load_patches_since(0)),
              std::vector<std::string>{"p" + std::to_string(written)});
    ++written;
  }
  // A prefix of a name is another database.
  EXPECT_TRUE(sds::open("memory:bad-uri-a", "doc")->load_patches_since(0).empty());
}

class BadPath : public ::testing::TestWithParam<BackendInfo> {
 protected:
  std::string uri(const std::string& path) const { return GetParam().scheme + ":" + path; }
  bool is_directory_scheme() const { return GetParam().path_kind == PathKind::directory; }
  TempDir dir_;
};

TEST_P(BadPath, PathRulesAreTypedErrorsAndCreateNothing) {
  const std::string nul(1, '\0');
  const std::string file = dir_.path() + "/a-file";
  std::ofstream(file) << "not a database\n";
  const auto before = listing(dir_.path());
  for (const std::string& bad : {std::string(""), "//host" + dir_.path() + "/x",
                                 dir_.path() + "/a" + nul + "b", dir_.path() + "/a%00b"}) {
    SCOPED_TRACE(core::keys::printable(bad));
    refused("uris", Errc::invalid_argument, [&] { sds::open_database(uri(bad)); });
  }
  // A parent that is missing, or a file; a path of 4 KiB whose parents do
  // not exist.
  std::string deep = dir_.path();
  while (deep.size() < 4096) deep += "/a";
  for (const std::string& missing :
       {dir_.path() + "/no/such/x", file + "/x", deep, dir_.path() + "/absent"}) {
    SCOPED_TRACE(missing.substr(0, 80));
    const bool read_only = missing.ends_with("/absent");
    refused("uris", Errc::not_found,
            [&] { sds::open_database(uri(missing), {.read_only = read_only}); });
  }
  // One component longer than a file name may be (NAME_MAX is 255).
  const std::string too_long = dir_.path() + "/" + std::string(4096, 'n');
  tried("uris");
  try {
    sds::open_database(uri(too_long));
    ADD_FAILURE() << "a file name of 4 KiB opened";
  } catch (const Error& error) {
    EXPECT_TRUE(error.code() == Errc::invalid_argument || error.code() == Errc::io_error)
        << error.what();
  }
  EXPECT_EQ(listing(dir_.path()), before);
}

// Whether `text` holds a byte below 0x20 or DEL.
bool has_control_bytes(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

TEST_P(BadPath, AFileWhereADirectoryIsExpectedAndTheOtherWayRound) {
  // Names with an escape sequence: messages quote paths printably.
  const std::string file = dir_.path() + "/a-file\x1b[2J";
  std::ofstream(file) << "not a database, long enough to be read as one by a library\n";
  const std::string directory = dir_.path() + "/a-directory\x1b[2J";
  fs::create_directory(directory);
  std::vector<std::string> messages;
  if (is_directory_scheme()) {
    messages.push_back(refused("uris", Errc::corruption, [&] { sds::open_database(uri(file)); }));
    messages.push_back(refused("uris", Errc::corruption,
                               [&] { sds::open_database(uri(file), {.read_only = true}); }));
  } else {
    messages.push_back(
        refused("uris", Errc::io_error, [&] { sds::open_database(uri(directory)); }));
  }
  for (const std::string& message : messages) {
    EXPECT_FALSE(has_control_bytes(message)) << message;
  }
  EXPECT_EQ(fs::file_size(file), 59u);
}

#ifdef SDS_WITH_SQLITE
// A file of the other SQLite layout (sqlite: and sds-node:) is refused with
// advice that quotes its path printably.
TEST(BadUri, AFileOfTheOtherSqliteLayoutIsQuotedPrintably) {
  TempDir dir;
  const std::string path = dir.path() + "/layout\x1b[2J.db";
  for (const auto& [written, read] :
       {std::pair<std::string, std::string>{"sqlite", "sds-node"}, {"sds-node", "sqlite"}}) {
    SCOPED_TRACE(written);
    std::filesystem::remove(path);
    sds::open(written + ":" + path, "doc")->append_patch(bytes("p"), 1);
    const std::string message =
        refused("uris", Errc::corruption, [&] { sds::open_database(read + ":" + path); });
    EXPECT_FALSE(has_control_bytes(message)) << message;
    EXPECT_NE(message.find("layout\\x1b[2J.db"), std::string::npos) << message;
  }
}
#endif

TEST_P(BadPath, ALongSpellingOfAPathIsThatPath) {
  // A URI of more than 4 KiB, whose path of "./" (just under PATH_MAX, 4096
  // bytes with its NUL) leads back to a short one: one database.
  std::string long_path = dir_.path() + "/";
  while (long_path.size() < 4092) long_path += "./";
  long_path += "db";
  ASSERT_GT(uri(long_path).size(), 4096u);
  tried("uris");
  sds::open(uri(long_path), "doc")->append_patch(bytes("p"), 1);
  EXPECT_EQ(sds::open(uri(dir_.path() + "/db"), "doc")->load_patches_since(0).size(), 1u);
  // Beyond PATH_MAX the system cannot find the parent directory.
  long_path.insert(dir_.path().size() + 1, "././");
  refused("uris", Errc::not_found, [&] { sds::open_database(uri(long_path)); });
  if (is_directory_scheme()) {
    // A directory to create may be written with a trailing slash.
    tried("uris");
    sds::open(uri(dir_.path() + "/new/"), "doc")->append_patch(bytes("p"), 1);
    EXPECT_EQ(sds::open(uri(dir_.path() + "/new"), "doc")->load_patches_since(0).size(), 1u);
  }
}

TEST_P(BadPath, ThePathOpenTwiceInOneProcessIsOneBackend) {
  // Spellings of one path: with a trailing slash, doubled slashes, and
  // through a symbolic link to its directory. They share one backend (LMDB
  // must never open one environment twice in a process).
  const std::string path = dir_.path() + "/db";
  fs::create_directory_symlink(dir_.path(), dir_.path() + "/link");
  auto first = sds::open_database(uri(path));
  auto store = first->store("doc");
  store->append_patch(bytes("p"), 1);
  std::vector<std::string> spellings = {dir_.path() + "//db", dir_.path() + "/link/db"};
  if (is_directory_scheme()) spellings.push_back(path + "/");
  Clock clock = 1;
  for (const std::string& spelling : spellings) {
    SCOPED_TRACE(spelling);
    tried("uris");
    auto second = sds::open_database(uri(spelling));
    EXPECT_EQ(second->store("doc")->load_patches_since(0).size(), clock);
    second->store("doc")->append_patch(bytes("q"), ++clock);
    EXPECT_EQ(store->load_patches_since(0).size(), clock);  // seen at once: one backend
    // Another sync is another backend's setting: refused while it is open.
    refused("uris", Errc::invalid_argument,
            [&] { sds::open_database(uri(spelling + "?sync=full")); });
  }
  first->close();
  store->close();
  // Open read-only first, a writable open of the same path is busy on a
  // key-value scheme (one shared backend, section 11.3). A Store-level scheme
  // shares what it likes (section 3.5): sds-node opens a writable connection
  // beside the read-only one, whose reads then see its writes.
  auto reader = sds::open_database(uri(path), {.read_only = true});
  const std::string linked = uri(dir_.path() + "/link/db");
  if (GetParam().open_kv) {
    refused("uris", Errc::busy, [&] { sds::open_database(linked); });
  } else {
    tried("uris");
    sds::open(linked, "doc")->append_patch(bytes("w"), 100);
    EXPECT_EQ(reader->store("doc")->load_patches_since(99).size(), 1u);
  }
  reader->close();
  EXPECT_NO_THROW(sds::open_database(linked));
}

INSTANTIATE_TEST_SUITE_P(Schemes, BadPath, ::testing::ValuesIn(path_schemes()),
                         [](const ::testing::TestParamInfo<BackendInfo>& info) {
                           std::string name = info.param.scheme;
                           for (char& c : name)
                             c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

}  // namespace
}  // namespace sds::test
