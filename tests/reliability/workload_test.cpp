// The invariant checker of the reliability suites finds what it must find:
// a database that kept every promise passes, and each kind of loss fails.
#include "tests/reliability/workload.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "tests/conformance/test_support.hpp"

namespace sds::test::reliability {
namespace {

class WorkloadCheck : public ::testing::Test {
 protected:
  WorkloadCheck() : script_({.lanes = 2, .ops_per_lane = 120, .seed = 7}) {}

  // Runs the first `ops` operations of every lane, leaving out `skipped`.
  void run(std::size_t ops, std::optional<std::size_t> skipped = std::nullopt) {
    auto database = open_database(uri_);
    for (std::size_t lane = 0; lane < 2; ++lane) {
      auto store = database->store(lane_store_id(lane));
      for (std::size_t i = 0; i < ops; ++i) {
        if (i != skipped) apply(*store, script_, lane, script_.lane(lane)[i]);
      }
    }
  }
  std::vector<std::string> check(const std::vector<LaneOutcome>& outcomes,
                                 Promise promise = Promise::acknowledged_survive,
                                 std::vector<std::size_t>* recovered = nullptr) {
    return check_invariants(uri_, script_, outcomes, promise, recovered);
  }

  TempDir dir_;
  std::string uri_ = "sqlite:" + dir_.path() + "/test.db";
  Script script_;
};

TEST_F(WorkloadCheck, TheScriptUsesEveryKindOfOperation) {
  std::set<OpKind> kinds;
  for (const Op& op : script_.lane(0)) kinds.insert(op.kind);
  EXPECT_EQ(kinds.size(), 6u);
}

TEST_F(WorkloadCheck, AnAppendsOnlyScriptAppendsEveryClockInOrder) {
  const Script appends({.lanes = 1, .ops_per_lane = 30, .seed = 7, .appends_only = true});
  Clock clock = 0;
  for (const Op& op : appends.lane(0)) {
    EXPECT_EQ(op.kind, OpKind::append);
    EXPECT_EQ(op.clock, ++clock);
  }
  EXPECT_EQ(clock, 30u);
}

TEST_F(WorkloadCheck, AScriptCanEndEveryLaneWithACheckpointAtItsLastClock) {
  const Script script({.lanes = 3, .ops_per_lane = 9, .seed = 5, .end_with_checkpoint = true});
  for (std::size_t lane = 0; lane < 3; ++lane) {
    Clock last_append = 0;
    for (const Op& op : script.lane(lane)) {
      if (op.kind == OpKind::append) last_append = op.clock;
    }
    EXPECT_EQ(script.lane(lane).back().kind, OpKind::checkpoint);
    EXPECT_EQ(script.lane(lane).back().clock, last_append);
  }
}

TEST_F(WorkloadCheck, ACompleteRunPasses) {
  run(120);
  EXPECT_EQ(check({crashed_after(script_, 0, 120), crashed_after(script_, 1, 120)}),
            std::vector<std::string>{});
}

TEST_F(WorkloadCheck, TheOperationInFlightMayOrMayNotBeThere) {
  run(50);
  EXPECT_TRUE(check({crashed_after(script_, 0, 49), crashed_after(script_, 1, 50)}).empty());
}

TEST_F(WorkloadCheck, AMissingAcknowledgedOperationIsAViolation) {
  run(50);
  EXPECT_EQ(check({crashed_after(script_, 0, 52), crashed_after(script_, 1, 50)}).size(), 1u);
}

TEST_F(WorkloadCheck, AnOperationNeverStartedIsAViolation) {
  run(50);
  EXPECT_EQ(check({crashed_after(script_, 0, 40), crashed_after(script_, 1, 50)}).size(), 1u);
}

TEST_F(WorkloadCheck, UnderPrefixOnlyTheLatestAcknowledgedMayBeGone) {
  run(30);
  EXPECT_TRUE(
      check({crashed_after(script_, 0, 60), crashed_after(script_, 1, 60)}, Promise::prefix_only)
          .empty());
}

TEST_F(WorkloadCheck, AFailedOperationMustLeaveNoTrace) {
  // The last append of the first 60 operations: nothing after it prunes it.
  std::size_t skipped = 0;
  for (std::size_t i = 0; i < 60; ++i) {
    if (script_.lane(0)[i].kind == OpKind::append) skipped = i;
  }
  run(60, skipped);
  LaneOutcome failed(60, OpFate::acknowledged);
  failed[skipped] = OpFate::failed;
  EXPECT_TRUE(check({failed, failed}).empty());
  EXPECT_FALSE(check({crashed_after(script_, 0, 60), crashed_after(script_, 1, 60)}).empty());
}

TEST_F(WorkloadCheck, AWrongReferenceCountIsAViolation) {
  run(120);
  LaneState model;
  for (const Op& op : script_.lane(1)) apply(model, script_, 1, op);
  ASSERT_FALSE(model.blob_refs.empty());
  ASSERT_TRUE(open(uri_, lane_store_id(1))->retain_value(model.blob_refs.begin()->first));
  EXPECT_EQ(check({crashed_after(script_, 0, 120), crashed_after(script_, 1, 120)}).size(), 1u);
}

TEST_F(WorkloadCheck, TheRecoveredCountIsWhereEachLaneStands) {
  // A save_value always changes the lane, so the count tells whether it is there.
  std::size_t save = 0;
  while (script_.lane(0)[save].kind != OpKind::save_value) ++save;
  run(save);
  std::vector<std::size_t> recovered;
  ASSERT_TRUE(check({crashed_after(script_, 0, save), crashed_after(script_, 1, save)},
                    Promise::acknowledged_survive, &recovered)
                  .empty());
  EXPECT_EQ(recovered[0], save);  // the save in flight did not happen
  open(uri_, lane_store_id(0))
      ->save_value(blob_hash(0, script_.lane(0)[save].blob),
                   blob_bytes(0, script_.lane(0)[save].blob));
  ASSERT_TRUE(check({crashed_after(script_, 0, save), crashed_after(script_, 1, save)},
                    Promise::acknowledged_survive, &recovered)
                  .empty());
  EXPECT_EQ(recovered[0], save + 1);  // it did
}

TEST_F(WorkloadCheck, AnOpenThatFailsIsAViolation) {
  // A directory where the database file should be.
  const auto problems =
      check_invariants("sqlite:" + dir_.path(), script_, {LaneOutcome{}, LaneOutcome{}},
                       Promise::acknowledged_survive);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("open"), std::string::npos) << problems[0];
}

}  // namespace
}  // namespace sds::test::reliability
