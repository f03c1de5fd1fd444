#pragma once
// The I/O plane's contract for a sensor: a driver is asked for a sample on its own
// thread at its own cadence; it may block (a DHT22 frame, a BME680 heater phase) but
// never runs on the cycle thread. Real and simulated backends implement the same interface.
#include <chrono>
#include <string>

#include "io/reading.hpp"

namespace sensorhost::io {

class SensorDriver {
 public:
  virtual ~SensorDriver() = default;
  // Stable name of the sensor ("dht22", "bme680", "cpu"), the key in the process image.
  virtual const std::string& name() const = 0;
  // How often a read may be attempted (a DHT22 at most every 2 s).
  virtual std::chrono::milliseconds cadence() const = 0;
  // Take one sample. `now` stamps the sample (and drives simulations deterministically).
  virtual SensorReading read(WallTime now) = 0;
};

}  // namespace sensorhost::io
