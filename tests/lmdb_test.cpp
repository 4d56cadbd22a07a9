// What only the lmdb: backend promises: its directory, a map that grows by
// itself (in this process and in others), several processes on one
// environment, and a compaction that refuses to run while others have it open.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "tests/conformance/conformance.hpp"

namespace sds::test {
namespace {

namespace fs = std::filesystem;

// Bytes zstd cannot shrink, so that sizes on disk are what the test wrote.
Bytes random_bytes(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 shared(seed);
  Bytes out(size);
  for (auto& byte : out) byte = static_cast<std::uint8_t>(shared());
  return out;
}

// Opens the key-value trait directly, past the core and its handle cache (so
// never together with sds::open on the same path in one process).
std::shared_ptr<kv::Backend> open_kv(const std::string& path,
                                     std::map<std::string, std::string> params = {},
                                     bool read_only = false) {
  for (const BackendInfo& info : backend_infos()) {
    if (info.scheme != "lmdb") continue;
    BackendConfig config;
    config.uri = "lmdb:" + path;
    config.path = path;
    config.params = std::move(params);
    config.read_only = read_only;
    return info.open_kv(config);
  }
  throw std::runtime_error("no lmdb backend");
}

std::vector<std::string> keys_of(kv::Backend& db, std::string_view from = "",
                                 std::string_view to = "") {
  std::vector<std::string> out;
  db.view([&](kv::ReadTransaction& txn) {
    txn.scan(from, to, [&](std::string_view key, ByteView) {
      out.emplace_back(key);
      return true;
    });
  });
  return out;
}

TEST(Lmdb, DeclaresItsParametersWithDefaults) {
  std::map<std::string, std::string> defaults;
  for (const BackendInfo& info : backend_infos()) {
    if (info.scheme != "lmdb") continue;
    EXPECT_EQ(info.path_kind, PathKind::directory);
    for (const ParamSpec& spec : info.params) defaults[spec.name] = spec.default_value;
  }
  EXPECT_EQ(defaults["map_size"], "64MiB");
  EXPECT_EQ(defaults["max_readers"], "126");
}

TEST(Lmdb, CreatesItsDirectoryAndValidatesParameters) {
  TempDir dir;
  const std::string path = dir.path() + "/env";
  sds::open("lmdb:" + path + "?map_size=1MiB&max_readers=16&sync=full", "doc")
      ->append_patch(bytes("p"), 1);
  EXPECT_TRUE(fs::exists(path + "/data.mdb"));
  EXPECT_TRUE(fs::exists(path + "/lock.mdb"));
  for (const char* query : {"map_size=12parsecs", "map_size=1KiB", "max_readers=0",
                            "max_readers=many", "mapsize=1MiB"}) {
    expect_error(Errc::invalid_argument,
                 [&] { sds::open_database("lmdb:" + dir.path() + "/other?" + query); });
  }
}

TEST(Lmdb, AFileOrAGarbageEnvironmentIsCorruption) {
  TempDir dir;
  std::ofstream(dir.path() + "/file") << "not a directory";
  std::string message =
      expect_error(Errc::corruption, [&] { sds::open_database("lmdb:" + dir.path() + "/file"); });
  EXPECT_NE(message.find("not an LMDB environment"), std::string::npos) << message;
  fs::create_directory(dir.path() + "/junk");
  std::ofstream(dir.path() + "/junk/data.mdb") << std::string(64 << 10, 'j');
  message =
      expect_error(Errc::corruption, [&] { sds::open_database("lmdb:" + dir.path() + "/junk"); });
  EXPECT_NE(message.find("MDB_INVALID"), std::string::npos) << message;
}

// LMDB has no page checksums: a damaged leaf node can declare a value of
// gigabytes, or put a large value on an overflow page far past the file.
// What LMDB then hands out is checked against the pages of the data file,
// and refused as corruption, instead of being read into a crash
// (found by tests/reliability/file_corruption_test.cpp).
TEST(Lmdb, AValuePastTheDataFileIsCorruptionNotACrash) {
  TempDir dir;
  const std::string path = dir.path() + "/env";
  open_kv(path)->update([](kv::WriteTransaction& txn) {
    txn.put("small-one", Bytes(100, 's'));
    txn.put("large-one", Bytes(20000, 'l'));  // on overflow pages (F_BIGDATA)
  });
  // A leaf node: size low and high halves, flags, key size (u16 each), key,
  // then the value or, for F_BIGDATA, the number of its first overflow page.
  std::string file;
  {
    std::ifstream in(path + "/data.mdb", std::ios::binary);
    file.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto node_of = [&](const std::string& key) {
    const std::size_t at = file.find(key);
    EXPECT_NE(at, std::string::npos) << key;
    EXPECT_EQ(static_cast<unsigned char>(file[at - 2]), key.size());
    return at - 8;
  };
  const std::size_t small = node_of("small-one");
  file[small + 2] = file[small + 3] = '\xff';  // 4 GiB
  const std::size_t large = node_of("large-one");
  ASSERT_EQ(file[large + 4] & 1, 1) << "not an F_BIGDATA node";
  for (int i = 0; i < 7; ++i) file[large + 8 + 9 + i] = '\x7f';  // page 2^55 or so
  std::ofstream(path + "/data.mdb", std::ios::binary | std::ios::trunc) << file;

  EXPECT_TRUE(in_child([&] {
    auto db = open_kv(path);
    for (const char* key : {"small-one", "large-one"}) {
      expect_error(Errc::corruption,
                   [&] { db->view([&](kv::ReadTransaction& txn) { txn.get(key); }); });
    }
    expect_error(Errc::corruption, [&] { keys_of(*db); });
    return !::testing::Test::HasFailure();
  })) << "the child crashed or a read was no corruption";
}

// LMDB's files hold the word size of the build that wrote them. A data.mdb
// whose meta pages have the other word size's header (LMDB's magic 8 bytes
// after a page number of that size) is refused as such, with the way to move
// the data, not called damaged.
TEST(Lmdb, AnEnvironmentOfTheOtherWordSizeIsRefusedWithAdvice) {
  TempDir dir;
  const std::string path = dir.path() + "/foreign";
  fs::create_directory(path);
  constexpr std::size_t kOtherWordBytes = sizeof(std::size_t) == 8 ? 4 : 8;
  std::string pages(2 * 4096, '\0');
  for (const std::size_t page : {0, 4096}) {
    const std::size_t magic = page + kOtherWordBytes + 8;
    pages.replace(magic, 8,
                  std::string("\xde\xc0\xef\xbe\x01\x00\x00\x00", 8));  // magic, version 1
  }
  std::ofstream(path + "/data.mdb", std::ios::binary) << pages;
  const std::string message =
      expect_error(Errc::version, [&] { sds::open_database("lmdb:" + path); });
  EXPECT_NE(message.find(std::to_string(kOtherWordBytes * 8) + "-bit build"), std::string::npos)
      << message;
  EXPECT_NE(message.find("sdsctl export"), std::string::npos) << message;
}

TEST(Lmdb, AReadOnlyOpenCreatesNothingAndRefusesWrites) {
  TempDir dir;
  const std::string empty = dir.path() + "/empty";
  fs::create_directory(empty);
  expect_error(Errc::not_found,
               [&] { sds::open_database("lmdb:" + empty, OpenOptions{.read_only = true}); });
  EXPECT_TRUE(fs::is_empty(empty));

  const std::string uri = "lmdb:" + dir.path() + "/env";
  sds::open(uri, "doc")->append_patch(bytes("p"), 1);
  auto store = sds::open(uri, "doc", OpenOptions{.read_only = true});
  EXPECT_EQ(store->load_patches_since(0).size(), 1u);
  expect_error(Errc::unsupported, [&] { store->append_patch(bytes("q"), 2); });
  store->flush();
}

TEST(Lmdb, TheMapGrowsToTenTimesItsInitialSize) {
  TempDir dir;
  const std::string uri = "lmdb:" + dir.path() + "/env?map_size=1MiB";
  constexpr int kPatches = 176;                  // 11 MiB in 64 KiB patches
  const Bytes blob = random_bytes(3 << 20, 99);  // larger than the whole map
  {
    auto store = sds::open(uri, "doc");
    for (int i = 1; i <= kPatches; ++i) store->append_patch(random_bytes(64 << 10, i), i);
    store->save_value("big", blob);
    EXPECT_GE(store->stats().bytes_on_disk.value_or(0), std::uint64_t{14} << 20);
  }
  auto store = sds::open(uri, "doc");
  const auto patches = store->load_patches_since(0);
  ASSERT_EQ(patches.size(), static_cast<std::size_t>(kPatches));
  for (int i = 1; i <= kPatches; ++i) ASSERT_EQ(patches[i - 1], random_bytes(64 << 10, i)) << i;
  EXPECT_EQ(store->load_value("big"), blob);
}

TEST(Lmdb, ThreadsReadAndWriteWhileTheMapGrows) {
  TempDir dir;
  auto db = sds::open_database("lmdb:" + dir.path() + "/env?map_size=64KiB");
  constexpr int kWriters = 4;
  constexpr int kPatches = 100;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      auto store = db->store("writer-" + std::to_string(t));
      for (int i = 1; i <= kPatches; ++i) store->append_patch(random_bytes(4096, t * 1000 + i), i);
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      auto store = db->store("writer-" + std::to_string(r));
      std::size_t seen = 0;
      while (!done) {
        const std::size_t now = store->load_patches_since(0).size();
        if (now < seen) ++failures;  // a reader must never go back in time
        seen = now;
      }
    });
  }
  for (int t = 0; t < kWriters; ++t) threads[t].join();
  done = true;
  for (std::size_t t = kWriters; t < threads.size(); ++t) threads[t].join();
  EXPECT_EQ(failures, 0);
  for (int t = 0; t < kWriters; ++t) {
    EXPECT_EQ(db->store("writer-" + std::to_string(t))->load_patches_since(0).size(),
              static_cast<std::size_t>(kPatches));
  }
}

TEST(Lmdb, EverySyncModeKeepsWhatWasWrittenAcrossAReopen) {
  TempDir dir;
  for (const char* mode : {"off", "normal", "full"}) {
    const std::string uri = "lmdb:" + dir.path() + "/" + mode + "?sync=" + mode;
    {
      auto store = sds::open(uri, "doc");
      store->append_patch(bytes("first"), 1);
      store->flush();
      store->append_patch(bytes("second"), 2);  // made durable by the clean close
    }
    EXPECT_EQ(sds::open(uri, "doc")->load_patches_since(0).size(), 2u) << mode;
  }
}

TEST(Lmdb, SeveralProcessesAppendToOneStoreAndNothingIsLost) {
  TempDir dir;
  // A small map makes every process grow it, and adopt the others' growth.
  const std::string uri = "lmdb:" + dir.path() + "/env?map_size=256KiB";
  constexpr int kProcesses = 4;
  constexpr int kPatches = 150;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    children.push_back(fork_child([&] {
      auto store = sds::open(uri, "shared");
      for (int i = 0; i < kPatches; ++i) {
        const Clock clock = static_cast<Clock>(p) * kPatches + i + 1;
        store->append_patch(random_bytes(2048, clock), clock);
      }
      return true;
    }));
  }
  for (const pid_t child : children) EXPECT_EQ(wait_for(child), 0);
  const auto patches = sds::open(uri, "shared")->load_patches_since(0);
  ASSERT_EQ(patches.size(), static_cast<std::size_t>(kProcesses * kPatches));
  for (std::size_t i = 0; i < patches.size(); ++i) {
    ASSERT_EQ(patches[i], random_bytes(2048, i + 1)) << "clock " << i + 1;
  }
}

TEST(Lmdb, AMapGrownByAnotherProcessIsAdopted) {
  TempDir dir;
  const std::string uri = "lmdb:" + dir.path() + "/env?map_size=1MiB";
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  const pid_t child = fork_child([&] {
    char byte;
    if (read(go[0], &byte, 1) != 1) return false;
    auto store = sds::open(uri, "doc");
    for (Clock clock = 2; clock <= 101; ++clock) {
      store->append_patch(random_bytes(64 << 10, clock), clock);
    }
    return true;
  });
  auto store = sds::open(uri, "doc");  // maps 1 MiB
  store->append_patch(bytes("first"), 1);
  ASSERT_EQ(write(go[1], "g", 1), 1);
  EXPECT_EQ(wait_for(child), 0);
  close(go[0]);
  close(go[1]);
  // The other process grew the file past this process's map.
  const auto patches = store->load_patches_since(1);
  ASSERT_EQ(patches.size(), 100u);
  EXPECT_EQ(patches.back(), random_bytes(64 << 10, 101));
  store->append_patch(random_bytes(1 << 20, 102), 102);
  EXPECT_EQ(store->load_patches_since(101).size(), 1u);
}

TEST(Lmdb, KeysAreOrderedBytewiseAndScansKeepTheirBounds) {
  TempDir dir;
  auto db = open_kv(dir.path() + "/env");
  const std::vector<std::string> sorted = {std::string("\0", 1),
                                           std::string("\0\0", 2),
                                           "a",
                                           "ab",
                                           "b",
                                           std::string(511, 'c'),
                                           "\x7f",
                                           "\x80",
                                           "\xff",
                                           "\xff\xff"};
  db->update([&](kv::WriteTransaction& txn) {
    for (auto it = sorted.rbegin(); it != sorted.rend(); ++it) txn.put(*it, as_bytes(*it));
  });
  EXPECT_EQ(keys_of(*db), sorted);
  EXPECT_EQ(keys_of(*db, "a", "b"), (std::vector<std::string>{"a", "ab"}));
  EXPECT_EQ(keys_of(*db, "\x80"), (std::vector<std::string>{"\x80", "\xff", "\xff\xff"}));
  // A bound longer than LMDB's longest key still bounds correctly.
  EXPECT_EQ(keys_of(*db, std::string(600, 'c'), "\x80"), (std::vector<std::string>{"\x7f"}));
  EXPECT_EQ(keys_of(*db, std::string(511, 'c'), std::string(600, 'c')),
            (std::vector<std::string>{std::string(511, 'c')}));
  db->view([&](kv::ReadTransaction& txn) {
    EXPECT_FALSE(txn.get("").has_value());
    EXPECT_FALSE(txn.get(std::string(600, 'c')).has_value());
    EXPECT_EQ(as_chars(*txn.get("ab")), "ab");
  });
  for (const std::string& bad : {std::string(), std::string(512, 'k')}) {
    expect_error(Errc::invalid_argument, [&] {
      db->update([&](kv::WriteTransaction& txn) { txn.put(bad, as_bytes("v")); });
    });
  }
  db->update([](kv::WriteTransaction& txn) { txn.erase(""); });  // cannot exist: no-op
  EXPECT_EQ(keys_of(*db).size(), sorted.size());
}

TEST(Lmdb, EraseRangeRemovesExactlyTheRangeAcrossManyPages) {
  TempDir dir;
  auto db = open_kv(dir.path() + "/env");
  const auto key = [](int i) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "k%06d", i);
    return std::string(buffer);
  };
  db->update([&](kv::WriteTransaction& txn) {
    for (int i = 0; i < 20000; ++i) txn.put(key(i), as_bytes("value"));
  });
  db->update([&](kv::WriteTransaction& txn) {
    txn.erase_range(key(100), key(19900));
    EXPECT_FALSE(txn.get(key(100)).has_value());  // its own writes
    EXPECT_TRUE(txn.get(key(19900)).has_value());
  });
  const auto left = keys_of(*db);
  ASSERT_EQ(left.size(), 200u);
  EXPECT_EQ(left[99], key(99));
  EXPECT_EQ(left[100], key(19900));
  db->update([&](kv::WriteTransaction& txn) { txn.erase_range("", key(19950)); });
  EXPECT_EQ(keys_of(*db).size(), 50u);
}

TEST(Lmdb, UpdateRunsAgainAfterGrowingAndRollsBackWhenFnThrows) {
  TempDir dir;
  auto db = open_kv(dir.path() + "/env", {{"map_size", "64KiB"}});
  const Bytes big = random_bytes(1 << 20, 7);
  int runs = 0;
  db->update([&](kv::WriteTransaction& txn) {
    ++runs;
    txn.put("big", big);
  });
  EXPECT_EQ(runs, 2);
  // Growth happens even when `fn` swallows the error of the full map.
  runs = 0;
  db->update([&](kv::WriteTransaction& txn) {
    ++runs;
    try {
      txn.put("bigger", random_bytes(8 << 20, 8));
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), Errc::full);
    }
  });
  EXPECT_EQ(runs, 2);
  EXPECT_THROW(db->update([&](kv::WriteTransaction& txn) {
    txn.erase("big");
    throw std::runtime_error("changed my mind");
  }),
               std::runtime_error);
  db->view([&](kv::ReadTransaction& txn) {
    ASSERT_TRUE(txn.get("big").has_value());
    EXPECT_TRUE(std::ranges::equal(*txn.get("big"), big));
    EXPECT_EQ(txn.get("bigger")->size(), std::size_t{8} << 20);
  });
}

TEST(Lmdb, ReadOnlyTraitRefusesUpdatesAndCompaction) {
  TempDir dir;
  const std::string path = dir.path() + "/env";
  open_kv(path)->update([](kv::WriteTransaction& txn) { txn.put("k", as_bytes("v")); });
  auto db = open_kv(path, {}, true);
  expect_error(Errc::unsupported, [&] { db->update([](kv::WriteTransaction&) {}); });
  expect_error(Errc::unsupported, [&] { db->compact(); });
  EXPECT_EQ(keys_of(*db), std::vector<std::string>{"k"});
}

TEST(Lmdb, CompactionShrinksTheFileAndKeepsTheData) {
  TempDir dir;
  auto db = open_kv(dir.path() + "/env");
  const auto key = [](int i) { return "key-" + std::to_string(100000 + i); };
  db->update([&](kv::WriteTransaction& txn) {
    for (int i = 0; i < 2000; ++i) txn.put(key(i), random_bytes(8192, i));
  });
  db->update([&](kv::WriteTransaction& txn) { txn.erase_range(key(100), key(2000)); });
  const std::uint64_t before = db->bytes_on_disk().value_or(0);
  db->compact();
  const std::uint64_t after = db->bytes_on_disk().value_or(0);
  EXPECT_LT(after * 4, before) << before << " -> " << after;
  EXPECT_FALSE(fs::exists(dir.path() + "/env/data.mdb.compact"));
  db->update([&](kv::WriteTransaction& txn) { txn.put(key(5000), as_bytes("after")); });
  const auto keys = keys_of(*db);
  ASSERT_EQ(keys.size(), 101u);
  db->view([&](kv::ReadTransaction& txn) {
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE(std::ranges::equal(*txn.get(key(i)), random_bytes(8192, i))) << i;
    }
  });
}

TEST(Lmdb, CompactionIsBusyWhileAnotherProcessHasTheEnvironmentOpen) {
  TempDir dir;
  const std::string path = dir.path() + "/env";
  int opened[2], go[2];
  ASSERT_EQ(pipe(opened), 0);
  ASSERT_EQ(pipe(go), 0);
  const pid_t child = fork_child([&] {
    auto store = sds::open("lmdb:" + path, "doc");
    store->append_patch(bytes("from the child"), 1);
    char byte = 'o';
    if (write(opened[1], &byte, 1) != 1 || read(go[0], &byte, 1) != 1) return false;
    return true;
  });
  char byte;
  ASSERT_EQ(read(opened[0], &byte, 1), 1);
  auto db = open_kv(path);
  const std::string message = expect_error(Errc::busy, [&] { db->compact(); });
  EXPECT_NE(message.find("another process"), std::string::npos) << message;
  ASSERT_EQ(write(go[1], "g", 1), 1);
  EXPECT_EQ(wait_for(child), 0);
  for (int fd : {opened[0], opened[1], go[0], go[1]}) close(fd);
  const auto before = keys_of(*db);
  EXPECT_FALSE(before.empty());
  db->compact();
  EXPECT_EQ(keys_of(*db), before);
}

}  // namespace
}  // namespace sds::test
