// The simulated environment: deterministic given a seed, plausible, slowly drifting.
#include <gtest/gtest.h>

#include "sensors/sim_environment.hpp"

namespace sensorhost::sensors {
namespace {

const io::WallTime kT0 = io::WallTime(std::chrono::seconds(1'700'000'000));

TEST(SimEnvironment, SameSeedSameWorld) {
  SimEnvironment a(9), b(9), c(10);
  for (int i = 0; i < 100; ++i) {
    const auto t = kT0 + std::chrono::seconds(37 * i);
    EXPECT_EQ(a.at(t).temperature_c, b.at(t).temperature_c);
    EXPECT_EQ(a.at(t).gas_resistance_ohm, b.at(t).gas_resistance_ohm);
    EXPECT_EQ(a.roll(1, t), b.roll(1, t));
  }
  EXPECT_NE(a.at(kT0).temperature_c, c.at(kT0).temperature_c);
}

TEST(SimEnvironment, PlausibleOverTwoDays) {
  SimEnvironment env(1);
  for (int minute = 0; minute < 2 * 24 * 60; minute += 7) {
    const auto e = env.at(kT0 + std::chrono::minutes(minute));
    EXPECT_GT(e.temperature_c, 10.0);
    EXPECT_LT(e.temperature_c, 32.0);
    EXPECT_GE(e.humidity_rh, 5.0);
    EXPECT_LE(e.humidity_rh, 95.0);
    EXPECT_NEAR(e.pressure_pa, 101325.0, 1500.0);
    EXPECT_GT(e.gas_resistance_ohm, 50000.0);
    EXPECT_GT(e.soc_temperature_c, e.temperature_c);
  }
}

TEST(SimEnvironment, DriftsSlowlyAndVariesOverTheDay) {
  SimEnvironment env(2);
  // Two seconds apart: only the small per-second noise and a sliver of drift.
  EXPECT_NEAR(env.at(kT0).temperature_c, env.at(kT0 + std::chrono::seconds(2)).temperature_c, 0.2);
  double lo = 1e9, hi = -1e9;
  for (int h = 0; h < 24; ++h) {
    const double t = env.at(kT0 + std::chrono::hours(h)).temperature_c;
    lo = std::min(lo, t);
    hi = std::max(hi, t);
  }
  EXPECT_GT(hi - lo, 3.0);  // the daily cycle shows
}

TEST(SimEnvironment, RollsAreUniformish) {
  SimEnvironment env(3);
  int below = 0;
  for (int i = 0; i < 10000; ++i) {
    const double r = env.roll(1, kT0 + std::chrono::milliseconds(i * 1000));
    ASSERT_GE(r, 0.0);
    ASSERT_LT(r, 1.0);
    below += r < 0.1;
  }
  EXPECT_NEAR(below, 1000, 150);
}

}  // namespace
}  // namespace sensorhost::sensors
