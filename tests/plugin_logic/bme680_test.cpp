// bme680.wasm: burn-in, gas baseline and the air-quality index of hardware.md ("IAQ
// without Bosch BSEC"). Expected values are worked out by hand from that formula:
//   humidity score: off = hum - 40; off > 0: (60 - off) / 60 * 25, else (40 + off) / 40 * 25
//   gas score: gas < baseline: gas / baseline * 75, else 75
#include <gtest/gtest.h>

#include "plugin_host.hpp"

namespace sensorhost::plugin_logic {
namespace {

Settings air(std::int64_t burn_in_s, double hysteresis = 0.0) {
  return {{"burn_in_s", burn_in_s}, {"iaq_alarm_below", 50.0}, {"hysteresis", hysteresis}, {"led", std::int64_t{2}}};
}

// Burns in on 100, 110 and 120 kOhm (baseline 110 kOhm) over 10 s of monotonic time.
void burn_in_on_three_samples(PluginHost& p) {
  p.monotonic_ms = 1000;
  EXPECT_EQ(p.poll_ok(bme680_reading(100'000, 40)), "burn-in 0/10 s");
  p.monotonic_ms = 5000;
  EXPECT_EQ(p.poll_ok(bme680_reading(110'000, 40)), "burn-in 4/10 s");
  p.monotonic_ms = 9000;  // not heat-stable: not part of the baseline
  EXPECT_EQ(p.poll_ok(bme680_reading(5'000, 40, /*heat_stable=*/false)), "burn-in 8/10 s (heater not stable)");
  p.monotonic_ms = 10'999;
  EXPECT_EQ(p.poll_ok(bme680_reading(120'000, 40)), "burn-in 9/10 s");
  EXPECT_FALSE(p.led(2)) << "dark during burn-in";
}

TEST(Bme680, BurnInThenTheIndexAgainstTheBaseline) {
  PluginHost p("bme680", air(10));
  burn_in_on_three_samples(p);

  p.monotonic_ms = 11'000;
  // 55 kOhm, 50 %RH: (60 - 10) / 60 * 25 = 20.833 + 55 / 110 * 75 = 37.5 -> 58.333
  EXPECT_EQ(p.poll_ok(bme680_reading(55'000, 50)), "IAQ 58.3 ok (gas 55.0 / 110.0 kOhm baseline, 50 %RH)");
  EXPECT_EQ(p.logged("info: burn-in done: gas baseline 110000 ohm from 3 samples"), 1u);
  EXPECT_FALSE(p.led(2));
  // 22 kOhm, 32 %RH: (40 - 8) / 40 * 25 = 20 + 22 / 110 * 75 = 15 -> 35.0
  EXPECT_EQ(p.poll_ok(bme680_reading(22'000, 32)), "POOR AIR: IAQ 35.0 below 50.0 (gas 22.0 / 110.0 kOhm baseline, 32 %RH)");
  EXPECT_TRUE(p.led(2));
  EXPECT_EQ(p.logged("warn: poor air: IAQ 35.0 below 50.0"), 1u);
  // Above the baseline the gas score stays 75; 40 %RH is the humidity optimum: 100.
  EXPECT_EQ(p.poll_ok(bme680_reading(200'000, 40)), "IAQ 100.0 ok (gas 200.0 / 110.0 kOhm baseline, 40 %RH)");
  EXPECT_FALSE(p.led(2));
  // 88 kOhm, 70 %RH: (60 - 30) / 60 * 25 = 12.5 + 88 / 110 * 75 = 60 -> 72.5 (stays above 50)
  EXPECT_EQ(p.poll_ok(bme680_reading(88'000, 70)), "IAQ 72.5 ok (gas 88.0 / 110.0 kOhm baseline, 70 %RH)");
}

TEST(Bme680, TheBaselineIsTheMeanOfTheLastFiftyStableSamples) {
  PluginHost p("bme680", air(100));
  for (int i = 0; i < 60; ++i) {
    p.monotonic_ms = 1000u * i;
    p.poll_ok(bme680_reading(1000.0 * (i + 1), 40));
  }
  p.monotonic_ms = 100'000;
  // The last 50 are 11..60 kOhm: mean 35.5 kOhm. 17.75 kOhm at 40 %RH: 25 + 0.5 * 75 = 62.5
  EXPECT_EQ(p.poll_ok(bme680_reading(17'750, 40)), "IAQ 62.5 ok (gas 17.8 / 35.5 kOhm baseline, 40 %RH)");
  EXPECT_EQ(p.logged("gas baseline 35500 ohm from 50 samples"), 1u);
}

TEST(Bme680, BurnInWaitsForAHeatStableSampleAndCountsMonotonicTime) {
  PluginHost p("bme680", air(300));
  p.monotonic_ms = 50'000;
  EXPECT_EQ(p.poll_ok(bme680_reading(90'000, 40, false)), "burn-in waits for a heat-stable sample (heater not stable)");
  EXPECT_EQ(p.poll_ok(failed("bme680", "no ACK")), "burn-in waits for a heat-stable sample (sensor error: no ACK)");
  p.monotonic_ms = 60'000;
  EXPECT_EQ(p.poll_ok(bme680_reading(90'000, 40)), "burn-in 0/300 s");
  p.monotonic_ms = 102'000;
  EXPECT_EQ(p.poll_ok(bme680_reading(90'000, 40)), "burn-in 42/300 s");
  p.monotonic_ms = 103'000;
  EXPECT_EQ(p.poll_ok(stale(bme680_reading(90'000, 40), "old")), "burn-in 43/300 s (stale reading: old)");
  p.settings()["burn_in_s"] = std::int64_t{60};  // a shorter burn-in from the config ends it now
  p.monotonic_ms = 120'000;
  EXPECT_EQ(p.poll_ok(bme680_reading(90'000, 40)), "IAQ 100.0 ok (gas 90.0 / 90.0 kOhm baseline, 40 %RH)");
}

TEST(Bme680, TheOptionalHysteresisHoldsThePoorAirLed) {
  PluginHost p("bme680", air(0, 10.0));  // no burn-in: the first sample is the baseline
  EXPECT_EQ(p.poll_ok(bme680_reading(100'000, 40)), "IAQ 100.0 ok (gas 100.0 / 100.0 kOhm baseline, 40 %RH)");
  p.poll_ok(bme680_reading(20'000, 40));  // 25 + 15 = 40
  EXPECT_TRUE(p.led(2));
  EXPECT_EQ(p.poll_ok(bme680_reading(40'000, 40)), "POOR AIR: IAQ 55.0, clears at 60.0");  // 25 + 30
  EXPECT_TRUE(p.led(2));
  p.poll_ok(bme680_reading(48'000, 40));  // 25 + 36 = 61
  EXPECT_FALSE(p.led(2));

  p.settings()["hysteresis"] = 0.0;  // the default: off again at the threshold
  p.poll_ok(bme680_reading(20'000, 40));
  EXPECT_TRUE(p.led(2));
  p.poll_ok(bme680_reading(33'334, 40));  // 25 + 25.0 = 50.0
  EXPECT_FALSE(p.led(2));
}

TEST(Bme680, UnusableSamplesAfterBurnInKeepTheLed) {
  PluginHost p("bme680", air(0));
  p.poll_ok(bme680_reading(100'000, 40));
  p.poll_ok(bme680_reading(10'000, 40));
  ASSERT_TRUE(p.led(2));
  p.leds.clear();
  EXPECT_EQ(p.poll_ok(bme680_reading(100'000, 40, false)), "heater not stable; alarm kept on");
  EXPECT_TRUE(p.led(2));
  EXPECT_EQ(p.poll_ok(failed("bme680", "bus gone")), "sensor error: bus gone; alarm kept on");
  EXPECT_TRUE(p.led(2));
}

TEST(Bme680, AReadingOfAnotherSensorIsAPluginError) {
  PluginHost p("bme680", air(0));
  auto r = p.poll(cpu_reading(50.0));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "reading of sensor \"cpu\" has no gas_resistance");
}

}  // namespace
}  // namespace sensorhost::plugin_logic
