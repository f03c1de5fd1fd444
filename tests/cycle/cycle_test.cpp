#include <gtest/gtest.h>

#include "cycle/cycle.hpp"
#include "recording.hpp"

using namespace sensorhost;
using namespace std::chrono_literals;
using fakes::EventLog;
using fakes::RecordingLeds;
using fakes::ThresholdPlugin;

namespace {

const io::WallTime t0 = io::WallTime{} + 1000h;

// A steady clock that advances by a set step on every read, so durations are exact.
struct SteppingClock {
  cycle::SteadyClock::time_point now{};
  std::chrono::nanoseconds step{1ms};
  cycle::SteadyClock::time_point operator()() { return now += step; }
};

struct CycleFixture : ::testing::Test {
  EventLog log;
  io::ProcessImage image;
  RecordingLeds leds{log, 3};
  SteppingClock clock;
  cycle::Cycle cycle{image, leds, 100ms, [this] { return clock(); }};

  void publish_temperature(double c, io::WallTime at = t0) {
    image.publish(io::ok_reading("dht22", io::ReadingSource::sim, at, {{"temperature", c, "C"}}));
  }
};

}  // namespace

TEST_F(CycleFixture, NoSnapshotBeforeTheFirstCycle) { EXPECT_EQ(cycle.latest(), nullptr); }

TEST_F(CycleFixture, PluginsRunInOrderThenExactlyOneLedWrite) {
  auto a = std::make_shared<ThresholdPlugin>(log, "a", 0, 20.0);
  auto b = std::make_shared<ThresholdPlugin>(log, "b", 2, 30.0);
  cycle.set_plugins({a, b});
  publish_temperature(25.0);
  cycle.run_once(t0);
  EXPECT_EQ(log.events, (std::vector<std::string>{"plugin:a", "plugin:b", "led-write"}));
}

TEST_F(CycleFixture, LedWriteCarriesTheMergedBufferOfAllPlugins) {
  cycle.set_plugins({std::make_shared<ThresholdPlugin>(log, "a", 0, 20.0),
                     std::make_shared<ThresholdPlugin>(log, "b", 2, 10.0)});
  publish_temperature(25.0);
  auto snapshot = cycle.run_once(t0);
  ASSERT_EQ(leds.writes.size(), 1u);
  EXPECT_EQ(leds.writes[0], (std::vector<bool>{true, false, true}));
  EXPECT_EQ(snapshot->leds, leds.writes[0]);
}

TEST_F(CycleFixture, OneWritePerCycleEvenWithoutPlugins) {
  for (int i = 0; i < 5; ++i) cycle.run_once(t0 + i * 1s);
  EXPECT_EQ(leds.writes.size(), 5u);
  EXPECT_EQ(cycle.latest()->stats.cycles, 5u);
  EXPECT_EQ(cycle.latest()->number, 5u);
}

TEST_F(CycleFixture, PluginsSeeTheReadingsTakenAtTheStartOfTheCycle) {
  auto plugin = std::make_shared<ThresholdPlugin>(log, "a", 0, 20.0);
  cycle.set_plugins({plugin});
  publish_temperature(25.0);
  image.publish(io::ok_reading("cpu", io::ReadingSource::sim, t0, {{"temperature", 50.0, "C"}}));
  auto snapshot = cycle.run_once(t0);
  EXPECT_EQ(plugin->seen_readings, 2u);
  EXPECT_EQ(snapshot->readings.size(), 2u);
}

TEST_F(CycleFixture, PublishedSnapshotsAreImmutableAndIndependent) {
  publish_temperature(21.0);
  auto first = cycle.run_once(t0);
  publish_temperature(22.0, t0 + 1s);
  auto second = cycle.run_once(t0 + 1s);
  EXPECT_EQ(first->readings[0].find("temperature")->value, 21.0);
  EXPECT_EQ(second->readings[0].find("temperature")->value, 22.0);
  EXPECT_EQ(cycle.latest(), second);
}

TEST_F(CycleFixture, StatsCountDurationsAndOverruns) {
  clock.step = 40ms;  // each cycle reads the clock twice: 40 ms per cycle
  cycle.run_once(t0);
  clock.step = 150ms;  // 150 ms > the 100 ms interval: an overrun
  auto snapshot = cycle.run_once(t0 + 1s);
  EXPECT_EQ(snapshot->stats.cycles, 2u);
  EXPECT_EQ(snapshot->stats.overruns, 1u);
  EXPECT_EQ(snapshot->stats.last_duration, 150ms);
  EXPECT_EQ(snapshot->stats.max_duration, 150ms);
  EXPECT_EQ(snapshot->stats.total_duration, 190ms);
}

TEST_F(CycleFixture, FailedLedWriteIsCountedAndReported) {
  leds.fail_next = true;
  auto snapshot = cycle.run_once(t0);
  EXPECT_EQ(snapshot->stats.led_write_failures, 1u);
  EXPECT_EQ(snapshot->led_error, "line busy");
  EXPECT_EQ(cycle.run_once(t0 + 1s)->led_error, "");
}

TEST_F(CycleFixture, AllLedsOffWritesAZeroBufferOnce) {
  cycle.set_plugins({std::make_shared<ThresholdPlugin>(log, "a", 1, 0.0)});
  publish_temperature(25.0);
  cycle.run_once(t0);
  std::string error;
  EXPECT_TRUE(cycle.all_leds_off(error));
  ASSERT_EQ(leds.writes.size(), 2u);
  EXPECT_EQ(leds.writes[0], (std::vector<bool>{false, true, false}));
  EXPECT_EQ(leds.writes[1], (std::vector<bool>{false, false, false}));
}
