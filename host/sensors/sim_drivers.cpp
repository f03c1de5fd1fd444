#include "sensors/sim_drivers.hpp"

#include "sensors/sim_dht22.hpp"

namespace sensorhost::sensors {

std::unique_ptr<Dht22Driver> make_sim_dht22(std::shared_ptr<const SimEnvironment> env, double failure_rate,
                                            Dht22DriverOptions options) {
  auto edges = std::make_unique<SimEdgeSource>(std::move(env), failure_rate);
  return std::make_unique<Dht22Driver>(std::make_unique<DecodingDht22Source>(std::move(edges)), options);
}

Bme680Settings bme680_settings(const config::Bme680Config& config, std::chrono::milliseconds cadence) {
  Bme680Settings s;
  s.address = config.address;
  s.heater_temperature_c = config.heater_temperature_c;
  s.heater_duration_ms = config.heater_duration_ms;
  s.cadence = cadence;
  return s;
}

namespace {
Bme680ModelOptions model_options(const Bme680Settings& settings, bool present) {
  Bme680ModelOptions o;
  o.address = settings.address;
  o.present = present;
  o.bus_name = "simulated I2C bus";
  return o;
}
}  // namespace

SimBme680Driver::SimBme680Driver(std::shared_ptr<const SimEnvironment> env, Bme680Settings settings, bool present)
    : env_(std::move(env)),
      model_(std::make_shared<Bme680ChipModel>(typical_bme680_calibration(), model_options(settings, present))),
      // The chip model answers at once, so the simulated driver does not wait out the heater.
      driver_([model = model_]() -> Expected<I2cBusPtr, std::string> { return I2cBusPtr(std::make_unique<SharedI2cBus>(model)); },
              settings, [](std::chrono::microseconds) {}, io::ReadingSource::sim) {}

io::SensorReading SimBme680Driver::read(io::WallTime now) {
  const Environment e = env_->at(now);
  model_->set_physical({e.temperature_c, e.pressure_pa, e.humidity_rh, e.gas_resistance_ohm});
  return driver_.read(now);
}

}  // namespace sensorhost::sensors
