// state.snapshot / state.restore of the three sensor plugins: a versioned header, the
// state crossing into a fresh instance, and refusals that leave the state untouched.
#include <gtest/gtest.h>

#include <cstring>

#include "plugin_host.hpp"

namespace sensorhost::plugin_logic {
namespace {

template <class T>
T field(const std::vector<std::uint8_t>& bytes, std::size_t offset) {
  T v;
  std::memcpy(&v, bytes.data() + offset, sizeof v);
  return v;
}

TEST(Snapshot, HasATaggedVersionedHeader) {
  const std::pair<const char*, const char*> plugins[] = {{"dht22", "DHT2"}, {"bme680", "BME6"}, {"pi-monitor", "PIMO"}};
  for (const auto& [plugin, tag] : plugins) {
    PluginHost p(plugin);
    const auto bytes = p.snapshot();
    ASSERT_GT(bytes.size(), 16u) << plugin;
    EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 4), tag);
    EXPECT_EQ(field<std::uint16_t>(bytes, 4), 1u) << plugin << ": layout version";
    EXPECT_EQ(field<std::uint16_t>(bytes, 6), 16u) << plugin << ": header size";
    EXPECT_EQ(field<std::uint32_t>(bytes, 8), bytes.size() - 16) << plugin << ": state size";
  }
}

TEST(Snapshot, Dht22AlarmAndRangeCrossIntoAFreshInstance) {
  PluginHost old_one("dht22");
  old_one.poll_ok(dht22_reading(30.0, 50));
  ASSERT_TRUE(old_one.led(0));

  PluginHost fresh("dht22");
  EXPECT_EQ(fresh.poll_ok(dht22_reading(27.5, 50)), "27.5 C 50 %RH comfortable (seen 27.5..27.5 C)")
      << "without the state, 27.5 C (inside the band) is no alarm";

  PluginHost next("dht22");
  ASSERT_TRUE(next.restore(old_one.snapshot()));
  EXPECT_EQ(next.poll_ok(dht22_reading(27.5, 50)), "ALARM: 27.5 C 50 %RH, clears below 27.0 C and 69.0 %RH");
  EXPECT_TRUE(next.led(0));
  EXPECT_EQ(next.poll_ok(dht22_reading(20.0, 50)), "20.0 C 50 %RH comfortable (seen 20.0..30.0 C)");
}

TEST(Snapshot, Bme680BaselineCrossesAndNeedsNoSecondBurnIn) {
  const Settings settings{{"burn_in_s", std::int64_t{10}}};
  PluginHost old_one("bme680", settings);
  for (std::uint64_t t = 0; t <= 10'000; t += 5000) {
    old_one.monotonic_ms = t;
    old_one.poll_ok(bme680_reading(110'000, 40));
  }

  PluginHost next("bme680", settings);
  next.monotonic_ms = 12'000;
  ASSERT_TRUE(next.restore(old_one.snapshot()));
  EXPECT_EQ(next.poll_ok(bme680_reading(55'000, 50)), "IAQ 58.3 ok (gas 55.0 / 110.0 kOhm baseline, 50 %RH)");

  PluginHost fresh("bme680", settings);
  EXPECT_EQ(fresh.poll_ok(bme680_reading(55'000, 50)), "burn-in 0/10 s");
}

TEST(Snapshot, Bme680BurnInInProgressContinuesOnTheSameClock) {
  const Settings settings{{"burn_in_s", std::int64_t{300}}};
  PluginHost old_one("bme680", settings);
  old_one.monotonic_ms = 1000;
  old_one.poll_ok(bme680_reading(100'000, 40));
  PluginHost next("bme680", settings);
  ASSERT_TRUE(next.restore(old_one.snapshot()));
  next.monotonic_ms = 43'000;
  EXPECT_EQ(next.poll_ok(bme680_reading(100'000, 40)), "burn-in 42/300 s");
}

TEST(Snapshot, PiMonitorWarningCrosses) {
  PluginHost old_one("pi-monitor");
  old_one.poll_ok(cpu_reading(72.0));
  PluginHost next("pi-monitor");
  ASSERT_TRUE(next.restore(old_one.snapshot()));
  EXPECT_EQ(next.poll_ok(cpu_reading(68.0)), "WARN: SoC 68.0 C, clears below 67.0");
  EXPECT_TRUE(next.led(2));
}

// Restores `bytes` into a dht22 whose alarm is on; expects the refusal `why` and the alarm kept.
void expect_refused(const std::vector<std::uint8_t>& bytes, const std::string& why) {
  PluginHost p("dht22");
  p.poll_ok(dht22_reading(30.0, 50));
  auto r = p.restore(bytes);
  ASSERT_FALSE(r) << "expected refusal: " << why;
  EXPECT_EQ(r.error(), why);
  p.poll_ok(dht22_reading(27.5, 50));
  EXPECT_TRUE(p.led(0)) << "a refused restore leaves the state alone";
}

TEST(Snapshot, BadBytesAreRefusedWithAClearError) {
  PluginHost source("dht22");
  const auto good = source.snapshot();
  const std::size_t size = good.size() - 16;

  expect_refused({1, 2}, "snapshot of 2 bytes is shorter than the 16-byte header");
  // Binary junk stays out of the error, which must be valid UTF-8.
  expect_refused(std::vector<std::uint8_t>(24, 0xff), "not a DHT2 snapshot (tag 0xffffffff, header 65535 bytes)");
  PluginHost bme("bme680");
  expect_refused(bme.snapshot(), "not a DHT2 snapshot (tag \"BME6\", header 16 bytes)");

  auto newer = good;
  newer[4] = 2;
  expect_refused(newer, "DHT2 snapshot layout 2, this build reads layout 1");

  auto cut = good;
  cut.resize(cut.size() - 8);
  expect_refused(cut, "DHT2 snapshot: state of " + std::to_string(size) + " bytes (" + std::to_string(size - 8) +
                          " after the header), this build expects " + std::to_string(size));

  auto damaged = good;
  damaged[20] ^= 0x40;
  expect_refused(damaged, "DHT2 snapshot: checksum mismatch, the bytes are damaged");

  auto forged = good;
  forged[16 + 16] = 7;  // the alarm flag, with a valid checksum
  reseal(forged);
  expect_refused(forged, "DHT2 snapshot: alarm flag is neither 0 nor 1");
}

TEST(Snapshot, Bme680RefusesAnImpossibleBaselineRing) {
  PluginHost p("bme680");
  auto forged = p.snapshot();
  forged[16 + 8] = 51;  // count: more samples than the ring holds
  reseal(forged);
  auto r = p.restore(forged);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "BME6 snapshot: baseline ring position out of range");
}

}  // namespace
}  // namespace sensorhost::plugin_logic
