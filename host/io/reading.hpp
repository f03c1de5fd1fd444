#pragma once
// What a sensor driver produces: one sample of a sensor with all its quantities.
// Every value travels with its unit, its time, its status and its source, from the
// driver through the process image to the plugins and the control plane.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sensorhost::io {

using WallClock = std::chrono::system_clock;
using WallTime = WallClock::time_point;

enum class ReadingStatus { ok, stale, error };
// Where a value came from: the simulation, or which real path read it.
enum class ReadingSource { sim, gpiod, iio, i2c, sysfs };

std::string_view to_string(ReadingStatus status);
std::string_view to_string(ReadingSource source);

struct Measurement {
  std::string quantity;  // "temperature", "humidity", "pressure", "gas_resistance"
  double value = 0.0;
  std::string unit;      // "C", "%RH", "hPa", "ohm"
};

struct SensorReading {
  std::string sensor;  // "dht22", "bme680", "cpu"
  ReadingSource source = ReadingSource::sim;
  ReadingStatus status = ReadingStatus::error;
  std::string error;   // why, when status is error (or stale)
  WallTime time{};     // when the sample was taken
  std::vector<Measurement> values;
  // Which node took the sample. Local drivers leave it empty; the process image stamps
  // the local node's name, and remote readings carry their node's name from the link.
  std::string node;

  const Measurement* find(std::string_view quantity) const;
};

// The reading of `sensor` on `node` in `readings`, or null.
const SensorReading* find_reading(const std::vector<SensorReading>& readings, std::string_view node,
                                  std::string_view sensor);

SensorReading ok_reading(std::string sensor, ReadingSource source, WallTime time,
                         std::vector<Measurement> values);
SensorReading error_reading(std::string sensor, ReadingSource source, WallTime time,
                            std::string reason);

}  // namespace sensorhost::io
