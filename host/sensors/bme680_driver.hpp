#pragma once
// The BME680 driver over an I2cBus: identification (chip id 0x61, variant), soft reset,
// calibration, then one forced-mode measurement per read with the heater profile from
// the config, float compensation and the gas flags. Every failure (missing bus, no ACK,
// wrong chip, no data) becomes an error reading; the next read starts over from
// identification, so a chip that was re-plugged or reset is picked up again.
#include <chrono>
#include <functional>
#include <optional>

#include "io/sensor_driver.hpp"
#include "sensors/bme680_compensation.hpp"
#include "sensors/driver_stats.hpp"
#include "sensors/i2c_bus.hpp"

namespace sensorhost::sensors {

using Sleeper = std::function<void(std::chrono::microseconds)>;
Sleeper real_sleeper();

struct Bme680Settings {
  std::uint8_t address = 0x76;
  int heater_temperature_c = 320;
  int heater_duration_ms = 150;
  // Oversampling codes (0 = skip, 1..5 = x1..x16) and IIR filter code: the kernel's defaults.
  std::uint8_t osrs_t = 4, osrs_p = 3, osrs_h = 2, filter = 0;
  std::chrono::milliseconds cadence{3000};
  unsigned data_polls = 5;  // status polls, 10 ms apart, after the computed wait
};

struct Bme680Measurement {
  double temperature_c = 0.0;
  std::optional<double> pressure_pa;
  std::optional<double> humidity_rh;
  std::optional<double> gas_ohm;  // when the gas conversion was valid
  bool gas_valid = false;
  bool heat_stable = false;
  bme680::RawData raw;
};

class Bme680Driver final : public io::SensorDriver {
 public:
  Bme680Driver(I2cOpener open_bus, Bme680Settings settings, Sleeper sleep = real_sleeper(),
               io::ReadingSource source = io::ReadingSource::i2c);

  const std::string& name() const override { return name_; }
  std::chrono::milliseconds cadence() const override { return settings_.cadence; }
  io::SensorReading read(io::WallTime now) override;

  // The typed result of the last successful read; read it on the thread that calls read().
  const std::optional<Bme680Measurement>& last_measurement() const { return last_; }
  const std::optional<bme680::Calibration>& calibration() const { return calibration_; }
  DriverStats stats() const { return counters_.get(); }
  std::string describe() const;

 private:
  Expected<Ok, std::string> identify_and_calibrate();
  Expected<Bme680Measurement, std::string> measure();
  Expected<Ok, std::string> write(std::uint8_t reg, std::uint8_t value);
  Expected<Ok, std::string> read(std::uint8_t reg, std::span<std::uint8_t> out);
  io::SensorReading fail(io::WallTime now, std::string why);

  std::string name_ = "bme680";
  I2cOpener open_bus_;
  Bme680Settings settings_;
  Sleeper sleep_;
  io::ReadingSource source_;
  I2cBusPtr bus_;
  std::optional<bme680::Calibration> calibration_;
  std::optional<Bme680Measurement> last_;
  DriverCounters counters_;
};

io::SensorReading bme680_reading(const std::string& sensor, io::ReadingSource source, io::WallTime now,
                                 const Bme680Measurement& m);

}  // namespace sensorhost::sensors
