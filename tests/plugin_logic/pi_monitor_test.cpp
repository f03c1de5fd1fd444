// pi-monitor.wasm: SoC temperature warning with hysteresis on the system-health LED.
#include <gtest/gtest.h>

#include "plugin_host.hpp"

namespace sensorhost::plugin_logic {
namespace {

TEST(PiMonitor, WarnsAboveWarnCAndClearsBelowTheBand) {
  PluginHost p("pi-monitor", {{"warn_c", 70.0}, {"hysteresis", 3.0}});
  EXPECT_EQ(p.poll_ok(cpu_reading(47.2)), "SoC 47.2 C ok (warn above 70.0, max 47.2)");
  EXPECT_FALSE(p.led(2)) << "default LED 2";
  EXPECT_EQ(p.poll_ok(cpu_reading(71.0)), "WARN: SoC 71.0 C above 70.0");
  EXPECT_TRUE(p.led(2));
  EXPECT_EQ(p.logged("warn: SoC at 71.0 C, above 70.0"), 1u);
  EXPECT_EQ(p.poll_ok(cpu_reading(68.0)), "WARN: SoC 68.0 C, clears below 67.0");
  EXPECT_TRUE(p.led(2));
  p.poll_ok(cpu_reading(67.0));
  EXPECT_TRUE(p.led(2)) << "67.0 is not below 67.0";
  EXPECT_EQ(p.poll_ok(cpu_reading(66.9)), "SoC 66.9 C ok (warn above 70.0, max 71.0)");
  EXPECT_FALSE(p.led(2));
  EXPECT_EQ(p.logged("info: SoC back to 66.9 C"), 1u);
}

TEST(PiMonitor, DefaultsSettingsChangesAndTheLedSetting) {
  PluginHost p("pi-monitor");  // defaults: warn_c 70, hysteresis 3, LED 2
  p.poll_ok(cpu_reading(69.0));
  EXPECT_FALSE(p.led(2));
  p.settings()["warn_c"] = std::int64_t{60};
  p.settings()["led"] = std::int64_t{0};
  EXPECT_EQ(p.poll_ok(cpu_reading(61.0)), "WARN: SoC 61.0 C above 60.0");
  EXPECT_TRUE(p.led(0));
  p.settings()["hysteresis"] = -1.0;  // out of range: the default 3 instead, warned once
  p.poll_ok(cpu_reading(57.5));
  EXPECT_TRUE(p.led(0));
  p.poll_ok(cpu_reading(56.9));
  EXPECT_FALSE(p.led(0));
  EXPECT_EQ(p.logged("setting hysteresis: expected a number in 0..50, using the default 3"), 1u);
}

TEST(PiMonitor, StaleAndErrorSamplesKeepTheWarning) {
  PluginHost p("pi-monitor");
  p.poll_ok(cpu_reading(75.0));
  p.leds.clear();
  EXPECT_EQ(p.poll_ok(failed("cpu", "no zone")), "sensor error: no zone; alarm kept on");
  EXPECT_TRUE(p.led(2));
  EXPECT_EQ(p.poll_ok(stale(cpu_reading(40.0), "5 s old")), "stale reading: 5 s old; alarm kept on");
  EXPECT_TRUE(p.led(2));
  auto none = p.poll(io::ok_reading("cpu", io::ReadingSource::sysfs, {}, {}));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error(), "reading of sensor \"cpu\" has no temperature");
}

}  // namespace
}  // namespace sensorhost::plugin_logic
