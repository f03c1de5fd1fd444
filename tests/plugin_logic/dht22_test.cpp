// dht22.wasm: comfort alarm with hysteresis on temperature and humidity.
#include <gtest/gtest.h>

#include "plugin_host.hpp"

namespace sensorhost::plugin_logic {
namespace {

Settings comfort(double t_high = 28.0, double h_high = 70.0, double hysteresis = 1.0) {
  return {{"temperature_high_c", t_high}, {"humidity_high_pct", h_high}, {"hysteresis", hysteresis}, {"led", std::int64_t{3}}};
}

TEST(Dht22, TemperatureAlarmTurnsOnAboveAndOffOnlyBelowTheBand) {
  PluginHost p("dht22", comfort());
  EXPECT_EQ(p.poll_ok(dht22_reading(23.4, 45)), "23.4 C 45 %RH comfortable (seen 23.4..23.4 C)");
  EXPECT_FALSE(p.led(3));
  EXPECT_EQ(p.poll_ok(dht22_reading(28.0, 45)), "28.0 C 45 %RH comfortable (seen 23.4..28.0 C)") << "at, not above";
  EXPECT_FALSE(p.led(3));

  EXPECT_EQ(p.poll_ok(dht22_reading(29.1, 45)), "ALARM: 29.1 C above 28.0");
  EXPECT_TRUE(p.led(3));
  EXPECT_EQ(p.logged("warn: ALARM: 29.1 C above 28.0"), 1u);
  // Inside the band (27.0 .. 28.0] the alarm holds.
  EXPECT_EQ(p.poll_ok(dht22_reading(27.5, 45)), "ALARM: 27.5 C 45 %RH, clears below 27.0 C and 69.0 %RH");
  EXPECT_TRUE(p.led(3));
  p.poll_ok(dht22_reading(27.0, 45));
  EXPECT_TRUE(p.led(3)) << "27.0 is not below 28.0 - 1.0";
  EXPECT_EQ(p.poll_ok(dht22_reading(26.9, 45)), "26.9 C 45 %RH comfortable (seen 23.4..29.1 C)");
  EXPECT_FALSE(p.led(3));
  EXPECT_EQ(p.logged("info: alarm cleared: 26.9 C 45 %RH comfortable"), 1u);
}

TEST(Dht22, HumidityAlarmClearsOnlyWhenBothAreBelowTheBand) {
  PluginHost p("dht22", comfort());
  EXPECT_EQ(p.poll_ok(dht22_reading(22.0, 75)), "ALARM: 75 %RH above 70.0");
  EXPECT_TRUE(p.led(3));
  p.poll_ok(dht22_reading(22.0, 69.5));
  EXPECT_TRUE(p.led(3)) << "69.5 %RH is inside the band";
  EXPECT_EQ(p.poll_ok(dht22_reading(29.0, 80)), "ALARM: 29.0 C above 28.0, 80 %RH above 70.0");
  p.poll_ok(dht22_reading(27.5, 60));
  EXPECT_TRUE(p.led(3)) << "humidity is clear, the temperature is still in its band";
  p.poll_ok(dht22_reading(26.0, 60));
  EXPECT_FALSE(p.led(3));
}

TEST(Dht22, ThresholdsFollowTheSettingsBetweenPolls) {
  PluginHost p("dht22");  // nothing set: the documented defaults 28 C / 70 %RH / 1.0
  p.poll_ok(dht22_reading(27.0, 50));
  EXPECT_FALSE(p.led(0)) << "default LED 0, default threshold 28";
  p.poll_ok(dht22_reading(28.5, 50));
  EXPECT_TRUE(p.led(0));
  p.poll_ok(dht22_reading(26.0, 50));
  EXPECT_FALSE(p.led(0));

  p.settings()["temperature_high_c"] = std::int64_t{25};  // an integer counts as a number
  EXPECT_EQ(p.poll_ok(dht22_reading(26.0, 50)), "ALARM: 26.0 C above 25.0");
  EXPECT_TRUE(p.led(0));
  p.settings()["hysteresis"] = 3.0;
  p.poll_ok(dht22_reading(22.5, 50));
  EXPECT_TRUE(p.led(0)) << "22.5 is inside the widened band (22.0 .. 25.0]";
  p.poll_ok(dht22_reading(21.9, 50));
  EXPECT_FALSE(p.led(0));
}

TEST(Dht22, ABadSettingFallsBackToItsDefaultWithOneWarning) {
  PluginHost p("dht22", {{"temperature_high_c", std::string("warm")}, {"humidity_high_pct", 150.0}});
  EXPECT_EQ(p.poll_ok(dht22_reading(28.5, 50)), "ALARM: 28.5 C above 28.0");
  EXPECT_EQ(p.poll_ok(dht22_reading(28.5, 71)), "ALARM: 28.5 C above 28.0, 71 %RH above 70.0");
  EXPECT_EQ(p.logged("setting temperature_high_c: expected a number in -40..80, using the default 28"), 1u);
  EXPECT_EQ(p.logged("setting humidity_high_pct: expected a number in 0..100, using the default 70"), 1u);
}

TEST(Dht22, TheLedIndexComesFromTheLedSetting) {
  PluginHost p("dht22", {{"led", std::int64_t{1}}});
  p.poll_ok(dht22_reading(30.0, 50));
  EXPECT_TRUE(p.led(1));
  EXPECT_FALSE(p.led(0));
  p.settings()["led"] = std::int64_t{7};  // outside the 4-LED bank: refused by the host, logged once
  p.poll_ok(dht22_reading(30.0, 50));
  p.poll_ok(dht22_reading(30.0, 50));
  EXPECT_EQ(p.logged("warn: LED 7:"), 1u);
}

TEST(Dht22, StaleAndErrorSamplesKeepTheAlarmAndSayWhy) {
  PluginHost p("dht22", comfort());
  p.poll_ok(dht22_reading(30.0, 50));
  ASSERT_TRUE(p.led(3));
  p.leds.clear();  // the LED is written on every poll, whatever the sample
  EXPECT_EQ(p.poll_ok(failed("dht22", "checksum mismatch")), "sensor error: checksum mismatch; alarm kept on");
  EXPECT_TRUE(p.led(3));
  // A stale sample's values are not evaluated: 20 C would have cleared the alarm.
  EXPECT_EQ(p.poll_ok(stale(dht22_reading(20.0, 40), "3 s old")), "stale reading: 3 s old; alarm kept on");
  EXPECT_TRUE(p.led(3));
  EXPECT_EQ(p.poll_ok(stale(dht22_reading(20.0, 40), "")), "stale reading; alarm kept on");
  p.poll_ok(dht22_reading(20.0, 40));
  EXPECT_FALSE(p.led(3));
  EXPECT_EQ(p.poll_ok(failed("dht22", "timeout")), "sensor error: timeout; alarm kept off");
  EXPECT_FALSE(p.led(3));
}

TEST(Dht22, StatusLinesFormatNegativeValuesAndLongErrors) {
  PluginHost p("dht22");
  EXPECT_EQ(p.poll_ok(dht22_reading(-10.1, 99.6)), "ALARM: 100 %RH above 70.0");
  EXPECT_EQ(p.poll_ok(dht22_reading(-0.04, 40)), "0.0 C 40 %RH comfortable (seen -10.1..0.0 C)")
      << "a value that rounds to zero prints without a sign";
  // Longer than the SDK's formatting buffer: sh_format hands it to vsnprintf.
  const std::string why(600, 'x');
  EXPECT_EQ(p.poll_ok(failed("dht22", why)), "sensor error: " + why + "; alarm kept off");
}

TEST(Dht22, ATemperatureOnlySensorIsJudgedOnItsTemperature) {
  PluginHost p("dht22");
  EXPECT_EQ(p.poll_ok(cpu_reading(31.0)), "ALARM: 31.0 C above 28.0");
  EXPECT_EQ(p.poll_ok(cpu_reading(27.5)), "ALARM: 27.5 C, clears below 27.0 C");
  EXPECT_EQ(p.poll_ok(cpu_reading(26.5)), "26.5 C comfortable (seen 26.5..31.0 C)");
  EXPECT_FALSE(p.led(0));
}

TEST(Dht22, AnOkSampleWithoutATemperatureIsAPluginError) {
  PluginHost p("dht22");
  auto r = p.poll(io::ok_reading("bme680", io::ReadingSource::sim, {}, {{"gas_resistance", 1e5, "ohm"}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "reading of sensor \"bme680\" has no temperature");
}

}  // namespace
}  // namespace sensorhost::plugin_logic
