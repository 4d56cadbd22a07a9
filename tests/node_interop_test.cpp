// sds-node: side by side with a real Node.js (22.13 or later, for node:sqlite)
// running the Node package's statements (tests/node/sds_node_peer.mjs): each
// side reads exactly what the other wrote, and both append to one store at
// the same time with nothing lost. Public API only.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <limits>
#include <nlohmann/json.hpp>
#include <sds/sds.hpp>
#include <set>
#include <string>
#include <thread>

#include "tests/conformance/test_support.hpp"

namespace sds::test {
namespace {

// What sds_node_peer.mjs's pattern() makes.
Bytes pattern(std::uint64_t seed, std::size_t length) {
  Bytes out(length);
  for (std::size_t k = 0; k < length; ++k) {
    out[k] = static_cast<std::uint8_t>((seed * 131 + k * 7 + (k >> 8)) & 255);
  }
  return out;
}

struct NodeRun {
  int exit_code = -1;
  std::string out;  // stdout; stderr goes to the test's own
};

// Runs the peer script with `args` under the Node of SDS_NODE22.
NodeRun node(const std::string& args) {
  const std::string command =
      std::string("'") + SDS_NODE22 + "' --no-warnings '" + SDS_NODE_PEER + "' " + args;
  NodeRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buffer{};
  std::size_t read = 0;
  while ((read = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    run.out.append(buffer.data(), read);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class NodeInterop : public ::testing::Test {
 protected:
  std::string path() const { return dir_.path() + "/shared.db"; }
  std::string uri() const { return "sds-node:" + path(); }
  TempDir dir_;
};

TEST_F(NodeInterop, ThePeerScriptLoadsNodeSqlite) {
  const NodeRun version = node("no-such-command x");
  // Its usage exit code: node:sqlite, which it imports first, loaded.
  EXPECT_EQ(version.exit_code, 2) << "is " << SDS_NODE22 << " Node 22.13 or later?";
}

TEST_F(NodeInterop, WhatNodeWroteReadsExactly) {
  ASSERT_EQ(node("write '" + path() + "'").exit_code, 0);
  auto database = sds::open_database(uri());
  EXPECT_EQ(database->stores(),
            (std::vector<std::string>{"default-clock", "node-doc",
                                      "\xc3\xbcn\xc3\xaf\x63\xc3\xb6\x64\x65/\xf0\x9f\x98\x80"}));
  auto doc = database->store("node-doc");
  EXPECT_EQ(doc->load_snapshot(), pattern(5, 3000));
  EXPECT_EQ(doc->snapshot_clock(), 5u);
  std::vector<Clock> clocks;
  std::uint64_t bytes = 0;
  doc->visit_patches_since(5, [&](Clock clock, ByteView data) {
    clocks.push_back(clock);
    bytes += data.size();
    EXPECT_EQ(Bytes(data.begin(), data.end()), pattern(clock, (clock * 7) % 500)) << clock;
    return true;
  });
  EXPECT_EQ(clocks.size(), 100u);
  EXPECT_EQ(clocks.front(), 6u);
  EXPECT_EQ(clocks.back(), 105u);
  EXPECT_EQ(doc->accumulated_bytes(), bytes);  // from the tables
  auto edge = database->store("\xc3\xbcn\xc3\xaf\x63\xc3\xb6\x64\x65/\xf0\x9f\x98\x80");
  std::vector<std::pair<Clock, Bytes>> seen;
  edge->visit_patches_since(0, [&](Clock clock, ByteView data) {
    seen.emplace_back(clock, Bytes(data.begin(), data.end()));
    return true;
  });
  ASSERT_EQ(seen.size(), 1u);  // clock 0 is not "since 0"
  EXPECT_EQ(seen[0].first, static_cast<Clock>(std::numeric_limits<std::int64_t>::max()));
  EXPECT_EQ(seen[0].second, pattern(2, 2));
  auto empty = database->store("default-clock");
  EXPECT_EQ(empty->snapshot_clock(), 0u);
  EXPECT_EQ(empty->load_snapshot(), Bytes{});
  EXPECT_EQ(doc->load_value("node-h1"), pattern(11, 70000));
  EXPECT_EQ(doc->load_value("node-h2"), pattern(13, 1));
  EXPECT_FALSE(doc->load_value("node-gone").has_value());
  doc->release_value("node-h1");  // Node saved it twice
  EXPECT_TRUE(doc->load_value("node-h1").has_value());
  doc->release_value("node-h1");
  EXPECT_FALSE(doc->load_value("node-h1").has_value());
}

TEST_F(NodeInterop, WhatCppWroteNodeReadsExactly) {
  {
    auto database = sds::open_database(uri());
    auto doc = database->store("cpp-doc");
    for (Clock clock = 1; clock <= 57; ++clock) doc->append_patch(pattern(clock, clock * 3), clock);
    doc->checkpoint(pattern(7, 5000), 7);  // prunes 1 to 6
    auto edge = database->store("\xc3\xa9t\xc3\xa9");
    WriteBatch batch;
    const Bytes low = pattern(20, 4), high = pattern(21, 4), blob = pattern(30, 100000);
    batch.append_patch(low, 0);
    batch.append_patch(high, static_cast<Clock>(std::numeric_limits<std::int64_t>::max()));
    batch.save_value("cpp-h1", blob);
    batch.save_value("cpp-h1", blob);
    edge->write(batch);
    edge->save_value("cpp-empty", Bytes{});
  }
  const NodeRun checked = node("check '" + path() + "'");
  EXPECT_EQ(checked.exit_code, 0) << checked.out;
  EXPECT_EQ(checked.out, "ok\n");
}

// The C++ side and a Node process append to one store at once: nothing is
// lost, the C++ side (busy_timeout 5000 ms) never surfaces busy. The Node
// package sets no busy timeout, so its statements fail with "database is
// locked" while the C++ side holds the write lock; the figure is printed.
// With PRAGMA busy_timeout on the Node connection (the README's advice) they
// do not.
TEST_F(NodeInterop, ConcurrentAppendsFromBothSidesLoseNothing) {
  constexpr Clock kNodeAppends = 3000;
  constexpr Clock kRound = 1000000;  // clocks of round r start at r * kRound
  auto store = sds::open(uri(), "shared");
  store->save_value("h", bytes("created before Node opens it"));
  std::set<Clock> expected;
  for (const char* node_busy_timeout : {"", " 5000"}) {
    const std::string name = *node_busy_timeout ? "with" : "without";
    const Clock base = *node_busy_timeout ? kRound : 0;
    const std::uint64_t before = store->stats(StatsScope::store_only).patch_count;
    // Node: even clocks from base; C++: odd ones, from Node's first append
    // until its last, so that the two overlap all along.
    std::atomic<bool> node_done{false};
    auto peer = std::async(std::launch::async, [&] {
      NodeRun run = node("append '" + path() + "' shared " + std::to_string(base) + " " +
                         std::to_string(kNodeAppends) + " 2" + node_busy_timeout);
      node_done = true;
      return run;
    });
    while (!node_done && store->stats(StatsScope::store_only).patch_count == before) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::uint64_t busy = 0;
    Clock appended = 0;
    for (Clock clock = base + 1; !node_done; clock += 2, ++appended) {
      try {
        store->append_patch(pattern(clock, 64 + clock % 64), clock);
        expected.insert(clock);
      } catch (const Error& error) {
        if (error.code() != Errc::busy) throw;
        ++busy;
      }
    }
    const NodeRun result = peer.get();
    ASSERT_EQ(result.exit_code, 0) << result.out;
    for (Clock i = 0; i < kNodeAppends; ++i) expected.insert(base + 2 * i);
    EXPECT_EQ(busy, 0u) << "the C++ side surfaced busy within its busy timeout";
    EXPECT_GT(appended, 100u) << "the two sides hardly overlapped";
    const auto figures = nlohmann::json::parse(result.out);
    EXPECT_EQ(figures["appends"], kNodeAppends);
    std::cout << "[ figures  ] Node side " << name << " PRAGMA busy_timeout: " << figures["locked"]
              << " 'database is locked' errors in " << kNodeAppends << " appends ("
              << figures["appendsLocked"] << " appends hit at least one); C++ side at the same "
              << "time: " << busy << " busy in " << appended << " appends\n";
    ::testing::Test::RecordProperty("node_locked_" + name + "_busy_timeout",
                                    figures["locked"].get<int>());
    if (*node_busy_timeout) {
      EXPECT_EQ(figures["locked"], 0);
    }
  }
  expected.erase(0);  // clock 0 (Node's first) is not "since 0"
  std::set<Clock> clocks;
  store->visit_patches_since(0, [&](Clock clock, ByteView data) {
    EXPECT_EQ(Bytes(data.begin(), data.end()), pattern(clock, 64 + clock % 64)) << clock;
    clocks.insert(clock);
    return true;
  });
  EXPECT_EQ(clocks, expected);
  EXPECT_EQ(text(*store->load_value("h")), "created before Node opens it");
}

}  // namespace
}  // namespace sds::test
