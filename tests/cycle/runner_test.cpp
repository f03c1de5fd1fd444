#include <gtest/gtest.h>

#include "cycle/runner.hpp"
#include "recording.hpp"

using namespace sensorhost;
using namespace std::chrono_literals;
using cycle::CycleRunner;
using Time = cycle::SteadyClock::time_point;

TEST(CycleRunnerSchedule, NextDeadlineIsOneIntervalLaterWhenOnTime) {
  Time start{};
  EXPECT_EQ(CycleRunner::next_deadline(start, start + 10ms, 100ms), start + 100ms);
}

TEST(CycleRunnerSchedule, MissedDeadlinesAreSkippedNotBurst) {
  Time start{};
  // The cycle ran until 350 ms: deadlines at 100, 200, 300 are gone; the next is 400.
  EXPECT_EQ(CycleRunner::next_deadline(start, start + 350ms, 100ms), start + 400ms);
  // Exactly on a deadline counts as missed: the next one is a full interval ahead.
  EXPECT_EQ(CycleRunner::next_deadline(start, start + 100ms, 100ms), start + 200ms);
}

namespace {
struct RunnerFixture : ::testing::Test {
  fakes::EventLog log;
  io::ProcessImage image;
  fakes::RecordingLeds leds{log, 1};
  cycle::Cycle cycle{image, leds, 1ns};
  CycleRunner runner{1ns};  // back-to-back cycles: no waiting in tests
};
}  // namespace

TEST_F(RunnerFixture, StopsAfterMaxCycles) {
  int seen = 0;
  runner.run(cycle, 7, [&](const cycle::CycleSnapshot&) { return ++seen, true; }, nullptr);
  EXPECT_EQ(seen, 7);
  EXPECT_EQ(leds.writes.size(), 7u);
}

TEST_F(RunnerFixture, AfterCycleCanStopTheRunner) {
  runner.run(cycle, 0, [&](const cycle::CycleSnapshot& s) { return s.number < 3; }, nullptr);
  EXPECT_EQ(cycle.latest()->number, 3u);
}

TEST_F(RunnerFixture, StopBeforeRunMeansNoCycle) {
  runner.stop();
  runner.run(cycle, 0, nullptr, nullptr);
  EXPECT_EQ(cycle.latest(), nullptr);
}

TEST_F(RunnerFixture, StopRequestedFromAnotherThreadEndsTheWait) {
  CycleRunner slow(1h);  // would wait an hour after the first cycle
  std::thread stopper;
  slow.run(cycle, 0,
           [&](const cycle::CycleSnapshot&) {
             stopper = std::thread([&] { slow.stop(); });
             return true;
           },
           nullptr);
  stopper.join();
  EXPECT_EQ(cycle.latest()->number, 1u);
}

TEST_F(RunnerFixture, WakeRunsBetweenCyclesWorkBeforeTheNextCycle) {
  CycleRunner slow(1h);
  int reloads = 0;
  std::thread waker;
  slow.run(cycle, 2,
           [&](const cycle::CycleSnapshot& s) {
             if (s.number == 1) waker = std::thread([&] { slow.wake(); });
             return true;
           },
           [&] {
             ++reloads;
             slow.set_interval(1ns);  // what a reload with a new interval does
           });
  waker.join();
  EXPECT_EQ(reloads, 1);
  EXPECT_EQ(cycle.latest()->number, 2u);
}
