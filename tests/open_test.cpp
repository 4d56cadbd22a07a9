// Opening by URI through the public API: schemes, parameters, paths, registry.
#include <filesystem>
#include <functional>
#include <map>
#include <vector>

#include "tests/conformance/conformance.hpp"

namespace sds::test {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(Open, BackendsListsTheCompiledSchemes) {
  const auto schemes = sds::backends();
  EXPECT_NE(std::find(schemes.begin(), schemes.end(), "memory"), schemes.end());
#ifdef SDS_WITH_SQLITE
  EXPECT_NE(std::find(schemes.begin(), schemes.end(), "sqlite"), schemes.end());
#endif
  EXPECT_TRUE(std::is_sorted(schemes.begin(), schemes.end()));
}

TEST(Open, UnknownCompiledOutAndFailingBackendsAreThreeDistinctErrors) {
  const std::string unknown =
      expect_error(Errc::invalid_argument, [] { sds::open_database("nosuch:x"); });
  EXPECT_TRUE(contains(unknown, "unknown scheme 'nosuch'")) << unknown;
  EXPECT_TRUE(contains(unknown, "memory")) << unknown;
#ifdef SDS_WITH_POSTGRES
  // Built in: port 1 of the loopback refuses the connection.
  const std::string refused =
      expect_error(Errc::io_error, [] { sds::open_database("postgres://u@127.0.0.1:1/db"); });
  EXPECT_TRUE(contains(refused, "cannot connect")) << refused;
#else
  const std::string left_out =
      expect_error(Errc::unsupported, [] { sds::open_database("postgres://u@localhost/db"); });
  EXPECT_TRUE(contains(left_out, "not in this build")) << left_out;
#endif
#ifdef SDS_WITH_SQLITE
  TempDir dir;
  // A directory where the database file should be: the backend cannot open it.
  const std::string failed =
      expect_error(Errc::io_error, [&] { sds::open_database("sqlite:" + dir.path()); });
  EXPECT_TRUE(contains(failed, dir.path())) << failed;
#endif
}

TEST(Open, MalformedUrisAreInvalidArgument) {
  for (const char* uri : {"", "no-colon", ":path", "sq lite:x", "memory:x?", "memory:x?a",
                          "memory:x?=1", "memory:x?sync=full&sync=off", "memory:bad%zzescape",
                          "memory:cut%2", "memory:x?sync=sometimes", "memory:x?level=0",
                          "memory:x?level=99", "memory:x?compression=lz4",
                          "memory:x?checkpoint_bytes=12XB", "memory:x?checkpoint_bytes=-1"}) {
    SCOPED_TRACE(uri);
    expect_error(Errc::invalid_argument, [&] { sds::open_database(uri); });
  }
}

TEST(Open, UnknownParameterListsTheAcceptedOnes) {
  const std::string message =
      expect_error(Errc::invalid_argument, [] { sds::open_database("memory:x?map_size=1MiB"); });
  EXPECT_TRUE(contains(message, "unknown parameter 'map_size'")) << message;
  EXPECT_TRUE(contains(message, "sync, checkpoint_bytes, compression, level")) << message;
  const std::string typo = expect_error(
      Errc::invalid_argument, [] { sds::open_database("memory:x?chekpoint_bytes=1MiB"); });
  EXPECT_TRUE(contains(typo, "did you mean 'checkpoint_bytes'?")) << typo;
  const std::string scheme =
      expect_error(Errc::invalid_argument, [] { sds::open_database("sqlit:x.db"); });
  EXPECT_TRUE(contains(scheme, "unknown scheme 'sqlit'")) << scheme;
#ifdef SDS_WITH_SQLITE
  EXPECT_TRUE(contains(scheme, "did you mean 'sqlite'?")) << scheme;
#endif
}

TEST(Open, CommonParameterDefaultsAreTheValuesApplied) {
  // Writing every default out changes nothing, and each is the constant that
  // an open without parameters applies.
  std::string uri = "memory:defaults-written-out?";
  for (const ParamSpec& param : common_params()) {
    uri += param.name + "=" + param.default_value + "&";
  }
  uri.pop_back();
  EXPECT_EQ(sds::open(uri, "doc")->stats().checkpoint_bytes, kDefaultCheckpointBytes);
  std::map<std::string, std::string> defaults;
  for (const ParamSpec& param : common_params()) defaults[param.name] = param.default_value;
  EXPECT_EQ(defaults["checkpoint_bytes"], "512KiB");
  EXPECT_EQ(defaults["sync"], "normal");
  EXPECT_EQ(defaults["compression"], "zstd");
  EXPECT_EQ(defaults["level"], "3");
}

TEST(Open, SchemeIsCaseInsensitiveAndParametersApply) {
  auto store = sds::open("MEMORY:case?checkpoint_bytes=64KiB&sync=full&level=19", "doc");
  EXPECT_EQ(store->stats().checkpoint_bytes, 64u * 1024);
}

TEST(Open, MemoryIsPrivateAndMemoryNameIsShared) {
  sds::open("memory:", "doc")->append_patch(bytes("p"), 1);
  EXPECT_TRUE(sds::open("memory:", "doc")->load_patches_since(0).empty());
  sds::open("memory:shared-by-name", "doc")->append_patch(bytes("p"), 1);
  EXPECT_EQ(sds::open("memory:shared-by-name", "doc")->load_patches_since(0).size(), 1u);
}

TEST(Open, PasswordsNeverAppearInMessages) {
#ifdef SDS_WITH_POSTGRES
  const Errc expected = Errc::io_error;  // port 1 refuses the connection
#else
  const Errc expected = Errc::unsupported;
#endif
  const std::string message =
      expect_error(expected, [] { sds::open_database("postgres://user:hunter2@127.0.0.1:1/db"); });
  EXPECT_FALSE(contains(message, "hunter2")) << message;
  EXPECT_TRUE(contains(message, "user:***@127.0.0.1")) << message;
}

#ifdef SDS_WITH_SQLITE
TEST(Open, PathRules) {
  TempDir dir;
  const std::string missing_parent = "sqlite:" + dir.path() + "/no/such/dir/x.db";
  expect_error(Errc::not_found, [&] { sds::open_database(missing_parent); });
  expect_error(Errc::not_found, [&] {
    sds::open_database("sqlite:" + dir.path() + "/absent.db", {.read_only = true});
  });
  expect_error(Errc::invalid_argument, [] { sds::open_database("sqlite:"); });
  expect_error(Errc::invalid_argument, [] { sds::open_database("sqlite://host/x.db"); });

  // Three spellings of one file, one of them percent-encoded: one database.
  sds::open("sqlite:" + dir.path() + "/a%20b.db", "doc")->append_patch(bytes("p"), 1);
  EXPECT_EQ(sds::open("sqlite://" + dir.path() + "/./a b.db", "doc")->load_patches_since(0).size(),
            1u);
  // `..` is an ordinary path.
  std::filesystem::create_directory(dir.path() + "/sub");
  EXPECT_EQ(
      sds::open("sqlite:" + dir.path() + "/sub/../a b.db", "doc")->load_patches_since(0).size(),
      1u);
  // A plus is a literal plus.
  sds::open("sqlite:" + dir.path() + "/c+d.db", "doc")->append_patch(bytes("p"), 1);
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/c+d.db"));
}

TEST(Open, ASharedHandleRefusesOtherBackendParameters) {
  TempDir dir;
  const std::string uri = "sqlite:" + dir.path() + "/x.db";
  auto first = sds::open_database(uri + "?busy_timeout=100");
  const std::string message =
      expect_error(Errc::invalid_argument, [&] { sds::open_database(uri + "?busy_timeout=200"); });
  EXPECT_TRUE(contains(message, "open in this process already")) << message;
  EXPECT_NO_THROW(sds::open_database(uri + "?busy_timeout=100&checkpoint_bytes=1MiB"));
  first->close();
  EXPECT_NO_THROW(sds::open_database(uri + "?busy_timeout=200"));
}
#endif

// Every message quotes the URI and names the store it is about; what to do is
// the advice, a field of its own (docs/DESIGN.md section 10).
TEST(Errors, MessagesQuoteTheUriNameTheStoreAndAdviseApart) {
  std::vector<std::string> uris{"memory:errors-name-things"};
#ifdef SDS_WITH_SQLITE
  TempDir dir;
  uris.push_back("sqlite:" + dir.path() + "/errors.db");
#endif
  for (const std::string& uri : uris) {
    SCOPED_TRACE(uri);
    auto check = [&](Errc code, const std::function<void()>& fn, std::string_view store,
                     std::string_view query = "") {
      const std::string quoted = "'" + uri + std::string(query) + "'";
      try {
        fn();
        ADD_FAILURE() << "no error";
      } catch (const Error& error) {
        EXPECT_EQ(error.code(), code) << error.what();
        EXPECT_TRUE(contains(std::string(error.message()), quoted)) << error.what();
        if (!store.empty()) {
          EXPECT_TRUE(contains(std::string(error.message()), store)) << error.what();
        }
        EXPECT_FALSE(error.advice().empty()) << error.what();
        EXPECT_EQ(std::string(error.what()),
                  std::string(error.message()) + "; " + std::string(error.advice()));
      }
    };
    auto db = sds::open_database(uri);
    auto store = db->store("doc");
    store->append_patch(bytes("p"), 1);
    store->checkpoint(bytes("s"), 5);
    check(
        Errc::invalid_argument, [&] { store->checkpoint(bytes("s"), 4); }, "store 'doc'");
    check(
        Errc::invalid_argument, [&] { store->save_value("", bytes("v")); }, "store 'doc'");
    check(
        Errc::invalid_argument, [&] { db->store(""); }, "");
    check(
        Errc::not_found, [&] { db->drop_store("nope"); }, "store 'nope'");
    check(
        Errc::invalid_argument, [&] { sds::open_database(uri + "?level=99"); }, "", "?level=99");
    check(
        Errc::invalid_argument, [&] { sds::open_database(uri + "?sync=sometimes"); }, "",
        "?sync=sometimes");
    check(
        Errc::invalid_argument, [&] { sds::open_database(uri + "?checkpoint_bytes=1XB"); }, "",
        "?checkpoint_bytes=1XB");
    check(
        Errc::invalid_argument, [&] { sds::open_database(uri + "?bogus=1"); }, "", "?bogus=1");
    auto read_only = sds::open_database(uri, {.read_only = true});
    check(
        Errc::unsupported, [&] { read_only->store("doc")->append_patch(bytes("q"), 9); },
        "store 'doc'");
    check(
        Errc::unsupported, [&] { read_only->drop_store("doc"); }, "store 'doc'");
    check(
        Errc::not_found, [&] { read_only->store("absent"); }, "store 'absent'");
    store->close();
    check(
        Errc::closed, [&] { store->load_snapshot(); }, "store 'doc'");
  }
}

TEST(Registry, ThirdPartySchemesRegisterAndDuplicatesAreRefused) {
  BackendInfo info;
  info.scheme = "thirdparty";
  info.description = "a memory database under another name";
  info.path_kind = PathKind::name;
  info.params = {{"flavour", "plain", "ignored"}};
  int opened = 0;
  for (const BackendInfo& builtin : backend_infos()) {
    if (builtin.scheme == "memory") {
      info.open_kv = [open = builtin.open_kv, &opened](const BackendConfig& config) {
        ++opened;
        EXPECT_EQ(config.params.at("flavour"), "spicy");
        return open(config);
      };
    }
  }
  register_backend(info);
  auto store = sds::open("thirdparty:db?flavour=spicy", "doc");
  store->append_patch(bytes("p"), 1);
  EXPECT_EQ(store->load_patches_since(0).size(), 1u);
  EXPECT_EQ(opened, 1);
  expect_error(Errc::invalid_argument, [&] { register_backend(info); });
  info.scheme = "Bad Scheme";
  expect_error(Errc::invalid_argument, [&] { register_backend(info); });
  const auto schemes = sds::backends();
  EXPECT_NE(std::find(schemes.begin(), schemes.end(), "thirdparty"), schemes.end());
}

TEST(Registry, AStoreLevelSchemeRegistersWithItsOwnDatabaseAndLimits) {
  BackendInfo info;
  info.scheme = "thirdparty-store";
  info.description = "a Database of its own (here: memory databases, behind a limit it declares)";
  info.path_kind = PathKind::name;
  info.capabilities.max_clock = 1000;
  BackendInfo both = info;
  both.scheme = "thirdparty-both";
  expect_error(Errc::invalid_argument, [&] { register_backend(both); });  // no factory
  int opened = 0;
  info.open_database = [&opened](const BackendConfig& config, const DatabaseSettings& settings) {
    ++opened;
    EXPECT_EQ(settings.checkpoint_bytes, 2048u);
    return sds::open_database("memory:" + config.path);
  };
  both.open_database = info.open_database;
  both.open_kv = [](const BackendConfig&) { return std::shared_ptr<kv::Backend>(); };
  const std::string message = expect_error(Errc::invalid_argument, [&] { register_backend(both); });
  EXPECT_NE(message.find("both open_kv and open_database"), std::string::npos) << message;
  register_backend(info);
  auto store = sds::open("thirdparty-store:db?checkpoint_bytes=2KiB", "doc");
  store->append_patch(bytes("p"), 1);
  EXPECT_EQ(
      sds::open("thirdparty-store:db?checkpoint_bytes=2KiB", "doc")->load_patches_since(0).size(),
      1u);
  EXPECT_EQ(opened, 2);  // called on every open: sharing is the scheme's business
  for (const BackendInfo& registered : backend_infos()) {
    if (registered.scheme != "thirdparty-store") continue;
    EXPECT_EQ(registered.capabilities.max_clock, 1000u);  // kept as declared
    EXPECT_FALSE(registered.capabilities.checksums);
  }
}

}  // namespace
}  // namespace sds::test
