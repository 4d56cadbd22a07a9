// Failover (label `reliability`): a writer appends under sync=full through a
// multi-host URI while the primary of the postgres_pair fixture is killed
// with SIGKILL and its synchronous standby promoted. Every append that
// returned is on the new primary, the clocks have no hole, and no call takes
// longer than the bound of docs/DESIGN.md section 8.6. Prints the figures.
// Then, on the promoted server, a sync=full commit that no standby confirms
// fails as only local. One test: the second part needs the first's failover.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sds/sds.hpp>
#include <thread>

#include "tests/conformance/test_support.hpp"
#include "tests/postgres/server.hpp"

namespace sds::test {
namespace {

using Clock_ = std::chrono::steady_clock;
using std::chrono::duration;
using std::chrono::milliseconds;

constexpr int kTimeoutMs = 2000;  // the URI's timeout

// The server's pg_ctl, run as the postgres user when this is root.
void pg_ctl(const std::string& arguments) {
  const std::string command = (::getuid() == 0 ? "runuser -u postgres -- " : "") +
                              pg::setting("bin") + "/pg_ctl " + arguments + " >/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

// A sync=full commit that no synchronous standby confirms within `timeout`
// fails as only local, never as durable; it is on the primary all the same.
void unconfirmed_commits_fail_as_only_local(int port) {
  const std::string uri = "postgres://postgres:" + pg::setting("password") +
                          "@127.0.0.1:" + std::to_string(port) +
                          "/postgres?table=" + pg::fresh_table();
  constexpr int kShortTimeoutMs = 500;
  auto store = sds::open(uri + "&sync=full&timeout=" + std::to_string(kShortTimeoutMs), "doc");
  store->append_patch(bytes("confirmed"), 1);  // the table, the format record, the store
  pg::sql(port, "ALTER SYSTEM SET synchronous_standby_names = 'nobody'");
  pg::sql(port, "SELECT pg_reload_conf()");
  // The reload is a signal: wait until new sessions see it, and a moment
  // more for the sessions open already.
  for (int tries = 0; tries < 100 && pg::sql(port, "SHOW synchronous_standby_names") != "nobody";
       ++tries) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  std::this_thread::sleep_for(milliseconds(200));
  const auto start = Clock_::now();
  const std::string message =
      expect_error(Errc::io_error, [&] { store->append_patch(bytes("unconfirmed"), 2); });
  const double took = duration<double>(Clock_::now() - start).count();
  pg::sql(port, "ALTER SYSTEM RESET synchronous_standby_names");
  pg::sql(port, "SELECT pg_reload_conf()");
  EXPECT_NE(message.find("only local"), std::string::npos) << message;
  EXPECT_GE(took, kShortTimeoutMs / 1000.0);
  EXPECT_LT(took, 4 * kShortTimeoutMs / 1000.0);
  store.reset();  // the same table opened again under another sync mode
  const auto patches = sds::open(uri, "doc")->load_patches_since(0);
  ASSERT_EQ(patches.size(), 2u);
  EXPECT_EQ(text(patches[1]), "unconfirmed");
}

TEST(PostgresFailover, NoAcknowledgedSyncFullWriteIsLost) {
  const std::string dir = pg::setting("pair_dir");
  const int primary = std::stoi(pg::setting("pair_primary"));
  const int standby = std::stoi(pg::setting("pair_standby"));
  const std::string hosts =
      "127.0.0.1:" + std::to_string(primary) + ",127.0.0.1:" + std::to_string(standby);
  const std::string table = pg::fresh_table();
  const std::string uri =
      "postgres://postgres:" + pg::setting("password") + "@" + hosts +
      "/postgres?target_session_attrs=read-write&sync=full&timeout=" + std::to_string(kTimeoutMs) +
      "&table=" + table;

  std::atomic<bool> stop{false};
  std::atomic<int> acknowledged_count{0};
  int attempted = 0;
  std::map<Clock, std::string> acknowledged;
  double longest_call = 0;
  double outage = 0;  // from the first failed call to the next success
  std::string first_error;
  std::thread writer([&] {
    std::unique_ptr<Store> store;
    try {
      store = sds::open(uri, "doc");
    } catch (const Error& error) {
      ADD_FAILURE() << "opening: " << error.what();
      return;
    }
    std::optional<Clock_::time_point> failing_since;
    for (Clock clock = 1; !stop; ++clock) {
      const std::string patch = "patch " + std::to_string(clock);
      for (;;) {  // the same clock until it is acknowledged: no hole
        ++attempted;
        const auto start = Clock_::now();
        try {
          store->append_patch(bytes(patch), clock);
          longest_call = std::max(longest_call, duration<double>(Clock_::now() - start).count());
          if (failing_since) outage += duration<double>(Clock_::now() - *failing_since).count();
          failing_since.reset();
          acknowledged[clock] = patch;
          ++acknowledged_count;
          break;
        } catch (const Error& error) {
          longest_call = std::max(longest_call, duration<double>(Clock_::now() - start).count());
          EXPECT_TRUE(error.code() == Errc::io_error || error.code() == Errc::busy) << error.what();
          if (first_error.empty()) first_error = error.what();
          if (!failing_since) failing_since = start;
          if (stop) return;
          std::this_thread::sleep_for(milliseconds(50));
        }
      }
    }
  });

  auto wait_for_acks = [&](int count) {
    const auto give_up = Clock_::now() + std::chrono::seconds(60);
    while (acknowledged_count < count && Clock_::now() < give_up) {
      std::this_thread::sleep_for(milliseconds(10));
    }
    ASSERT_GE(acknowledged_count, count);
  };
  wait_for_acks(200);
  // The primary dies mid-workload, as a power loss of its machine would end it.
  std::ifstream pid_file(dir + "/primary/postmaster.pid");
  pid_t postmaster = 0;
  pid_file >> postmaster;
  ASSERT_GT(postmaster, 0);
  ASSERT_EQ(::kill(postmaster, SIGKILL), 0);
  const int before_failover = acknowledged_count;
  pg_ctl("-D " + dir + "/standby -w promote");
  // The operator's step: the new primary has no standby of its own yet.
  pg::sql(standby, "ALTER SYSTEM SET synchronous_standby_names = ''");
  pg::sql(standby, "SELECT pg_reload_conf()");
  wait_for_acks(before_failover + 200);
  stop = true;
  writer.join();

  // What the new primary holds.
  const std::string survivor = "postgres://postgres:" + pg::setting("password") +
                               "@127.0.0.1:" + std::to_string(standby) + "/postgres?table=" + table;
  std::map<Clock, std::string> found;
  sds::open(survivor, "doc")->visit_patches_since(0, [&](Clock clock, ByteView patch) {
    found[clock] = text(patch);
    return true;
  });
  int lost = 0;
  for (const auto& [clock, patch] : acknowledged) {
    const auto it = found.find(clock);
    if (it == found.end() || it->second != patch) ++lost;
  }
  EXPECT_EQ(lost, 0);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.begin()->first, 1u);
  EXPECT_EQ(found.rbegin()->first, found.size()) << "the clocks have a hole";
  // A call: connecting (timeout), a statement (timeout), its cancel (timeout),
  // once more after a reconnect.
  EXPECT_LT(longest_call, 4 * kTimeoutMs / 1000.0);
  std::printf(
      "failover: %d writes attempted, %zu acknowledged, %zu of them found on the new primary "
      "(%d lost), %zu patches there; %.2f s without service; longest call %.2f s\n"
      "first error: %s\n",
      attempted, acknowledged.size(), acknowledged.size() - lost, lost, found.size(), outage,
      longest_call, first_error.c_str());
  // The new primary, which has no standby: a commit no standby confirms.
  unconfirmed_commits_fail_as_only_local(standby);
}

}  // namespace
}  // namespace sds::test
