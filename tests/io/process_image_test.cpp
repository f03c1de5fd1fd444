#include <gtest/gtest.h>

#include "io/process_image.hpp"

using namespace sensorhost::io;
using namespace std::chrono_literals;

namespace {
const WallTime t0 = WallTime{} + 1000h;

SensorReading temperature(WallTime t, double c) {
  return ok_reading("dht22", ReadingSource::sim, t, {{"temperature", c, "C"}});
}
}  // namespace

TEST(ProcessImage, EmptyImageHasNoReadings) {
  ProcessImage image;
  EXPECT_TRUE(image.snapshot(t0).empty());
}

TEST(ProcessImage, LatestGoodReadingWins) {
  ProcessImage image;
  image.publish(temperature(t0, 20.0));
  image.publish(temperature(t0 + 2s, 21.0));
  auto readings = image.snapshot(t0 + 2s);
  ASSERT_EQ(readings.size(), 1u);
  EXPECT_EQ(readings[0].status, ReadingStatus::ok);
  EXPECT_EQ(readings[0].find("temperature")->value, 21.0);
}

TEST(ProcessImage, FailedReadKeepsTheLastGoodValueAndCountsTheFailure) {
  ProcessImage image;
  image.publish(temperature(t0, 20.0));
  image.publish(error_reading("dht22", ReadingSource::sim, t0 + 2s, "checksum mismatch"));
  auto readings = image.snapshot(t0 + 3s);
  ASSERT_EQ(readings.size(), 1u);
  EXPECT_EQ(readings[0].status, ReadingStatus::ok);
  EXPECT_EQ(readings[0].find("temperature")->value, 20.0);
  auto counters = image.counters().at("dht22");
  EXPECT_EQ(counters.successes, 1u);
  EXPECT_EQ(counters.failures, 1u);
  EXPECT_EQ(counters.last_error, "checksum mismatch");
}

TEST(ProcessImage, OldGoodValueTurnsStaleWithTheLastError) {
  ProcessImage image;
  image.set_stale_after("dht22", 5s);
  image.publish(temperature(t0, 20.0));
  image.publish(error_reading("dht22", ReadingSource::sim, t0 + 4s, "no response"));
  auto readings = image.snapshot(t0 + 6s);
  ASSERT_EQ(readings.size(), 1u);
  EXPECT_EQ(readings[0].status, ReadingStatus::stale);
  EXPECT_EQ(readings[0].find("temperature")->value, 20.0);
  EXPECT_EQ(readings[0].error, "no fresh sample for 6 s (last error: no response)");
}

TEST(ProcessImage, SensorThatNeverReadShowsItsError) {
  ProcessImage image;
  image.publish(error_reading("bme680", ReadingSource::i2c, t0, "no ACK at 0x76"));
  auto readings = image.snapshot(t0);
  ASSERT_EQ(readings.size(), 1u);
  EXPECT_EQ(readings[0].status, ReadingStatus::error);
  EXPECT_EQ(readings[0].error, "no ACK at 0x76");
}

TEST(ProcessImage, SnapshotIsSortedBySensorName) {
  ProcessImage image;
  for (const char* name : {"cpu", "bme680", "dht22"})
    image.publish(ok_reading(name, ReadingSource::sim, t0, {}));
  auto readings = image.snapshot(t0);
  ASSERT_EQ(readings.size(), 3u);
  EXPECT_EQ(readings[0].sensor, "bme680");
  EXPECT_EQ(readings[1].sensor, "cpu");
  EXPECT_EQ(readings[2].sensor, "dht22");
}
