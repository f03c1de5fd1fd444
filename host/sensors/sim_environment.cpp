#include "sensors/sim_environment.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "sensors/dht22_waveform.hpp"

namespace sensorhost::sensors {
namespace {

enum Channel : std::uint32_t { kTemp = 1, kHum, kPress, kGas, kSoc, kFast = 100 };

constexpr double kDay = 86400.0;

double seconds_since_epoch(io::WallTime t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// Daily cycle peaking mid-afternoon (15:00 UTC), in [-1, 1].
double daily(double seconds) {
  return std::cos(2.0 * std::numbers::pi * (std::fmod(seconds, kDay) - 15.0 * 3600.0) / kDay);
}

}  // namespace

double hash_noise(std::uint64_t seed, std::uint32_t channel, std::int64_t step) {
  SplitMix mix(seed ^ (static_cast<std::uint64_t>(channel) << 48) ^ static_cast<std::uint64_t>(step) * 0x9E3779B97F4A7C15ull);
  return mix.symmetric();
}

double SimEnvironment::smooth_noise(std::uint32_t channel, double seconds, double period_s) const {
  const double x = seconds / period_s;
  const double base = std::floor(x);
  const double f = x - base;
  const double w = f * f * (3.0 - 2.0 * f);  // smoothstep: no kinks between points
  const auto step = static_cast<std::int64_t>(base);
  return hash_noise(seed_, channel, step) * (1.0 - w) + hash_noise(seed_, channel, step + 1) * w;
}

Environment SimEnvironment::at(io::WallTime time) const {
  const double s = seconds_since_epoch(time);
  const double day = daily(s);
  auto fast = [&](std::uint32_t ch) { return hash_noise(seed_, kFast + ch, static_cast<std::int64_t>(std::floor(s))); };
  Environment e;
  e.temperature_c = 21.0 + 3.0 * day + 1.0 * smooth_noise(kTemp, s, 600.0) + 0.05 * fast(kTemp);
  e.humidity_rh = std::clamp(45.0 - 8.0 * day + 4.0 * smooth_noise(kHum, s, 900.0) + 0.2 * fast(kHum), 5.0, 95.0);
  e.pressure_pa = 101325.0 + 900.0 * smooth_noise(kPress, s, 6.0 * 3600.0) + 30.0 * smooth_noise(kPress + 10, s, 600.0);
  e.gas_resistance_ohm = 120000.0 * (1.0 + 0.3 * smooth_noise(kGas, s, 1800.0) + 0.01 * fast(kGas));
  e.soc_temperature_c = e.temperature_c + 25.0 + 6.0 * smooth_noise(kSoc, s, 120.0) + 0.5 * fast(kSoc);
  return e;
}

double SimEnvironment::roll(std::uint32_t channel, io::WallTime time) const {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  return (hash_noise(seed_, 1000 + channel, ms) + 1.0) / 2.0;
}

}  // namespace sensorhost::sensors
