#pragma once
// Simulated sensors built from the real code paths: the DHT22 is the waveform generator
// feeding the real decoder and driver; the BME680 is the real driver talking to the
// register-level chip model; both read the shared simulated environment.
#include <memory>

#include "config/config.hpp"
#include "sensors/bme680_driver.hpp"
#include "sensors/bme680_model.hpp"
#include "sensors/dht22_driver.hpp"
#include "sensors/sim_environment.hpp"

namespace sensorhost::sensors {

std::unique_ptr<Dht22Driver> make_sim_dht22(std::shared_ptr<const SimEnvironment> env, double failure_rate,
                                            Dht22DriverOptions options = {});

class SimBme680Driver final : public io::SensorDriver {
 public:
  SimBme680Driver(std::shared_ptr<const SimEnvironment> env, Bme680Settings settings, bool present);
  const std::string& name() const override { return driver_.name(); }
  std::chrono::milliseconds cadence() const override { return driver_.cadence(); }
  io::SensorReading read(io::WallTime now) override;

  Bme680ChipModel& model() { return *model_; }
  const Bme680Driver& driver() const { return driver_; }

 private:
  std::shared_ptr<const SimEnvironment> env_;
  std::shared_ptr<Bme680ChipModel> model_;
  Bme680Driver driver_;
};

Bme680Settings bme680_settings(const config::Bme680Config& config, std::chrono::milliseconds cadence);

}  // namespace sensorhost::sensors
