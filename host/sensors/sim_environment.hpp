#pragma once
// The simulated physical world behind the simulated sensors: a pure function of
// (seed, time), so a run is reproducible given the seed and the read times. Each quantity
// is a slow daily cycle plus smooth noise (values interpolated between per-minute random
// points) plus a little per-second noise.
#include <cstdint>

#include "io/reading.hpp"

namespace sensorhost::sensors {

struct Environment {
  double temperature_c = 21.0;
  double humidity_rh = 45.0;
  double pressure_pa = 101325.0;
  double gas_resistance_ohm = 120000.0;
  double soc_temperature_c = 48.0;
};

class SimEnvironment {
 public:
  explicit SimEnvironment(std::uint64_t seed) : seed_(seed) {}
  Environment at(io::WallTime time) const;
  // A uniform [0, 1) number for a decision about `channel` at `time` (fault injection).
  double roll(std::uint32_t channel, io::WallTime time) const;
  std::uint64_t seed() const { return seed_; }

 private:
  double smooth_noise(std::uint32_t channel, double seconds, double period_s) const;
  std::uint64_t seed_;
};

// A stable hash of (seed, channel, step) to [-1, 1).
double hash_noise(std::uint64_t seed, std::uint32_t channel, std::int64_t step);

}  // namespace sensorhost::sensors
