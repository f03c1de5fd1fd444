#pragma once
// The simulated DHT22 wire: environment -> frame -> edges with realistic capture faults.
// A share of frames (dht22_failure_rate) gets a flipped bit, which the decoder must catch
// by its checksum; every frame loses a few preamble edges and carries timing jitter, which
// the decoder must tolerate. Deterministic given the seed and the capture time.
#include <memory>

#include "sensors/dht22_driver.hpp"
#include "sensors/sim_environment.hpp"

namespace sensorhost::sensors {

class SimEdgeSource final : public EdgeSource {
 public:
  SimEdgeSource(std::shared_ptr<const SimEnvironment> env, double failure_rate)
      : env_(std::move(env)), failure_rate_(failure_rate) {}
  Expected<std::vector<Edge>, std::string> capture(io::WallTime at) override;
  io::ReadingSource source() const override { return io::ReadingSource::sim; }
  std::string describe() const override;

 private:
  std::shared_ptr<const SimEnvironment> env_;
  double failure_rate_;
};

}  // namespace sensorhost::sensors
