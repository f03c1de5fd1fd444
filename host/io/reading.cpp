#include "io/reading.hpp"

namespace sensorhost::io {

std::string_view to_string(ReadingStatus status) {
  switch (status) {
    case ReadingStatus::ok: return "ok";
    case ReadingStatus::stale: return "stale";
    case ReadingStatus::error: return "error";
  }
  return "unknown";
}

std::string_view to_string(ReadingSource source) {
  switch (source) {
    case ReadingSource::sim: return "sim";
    case ReadingSource::gpiod: return "gpiod";
    case ReadingSource::iio: return "iio";
    case ReadingSource::i2c: return "i2c";
    case ReadingSource::sysfs: return "sysfs";
  }
  return "unknown";
}

const Measurement* SensorReading::find(std::string_view quantity) const {
  for (const auto& m : values) {
    if (m.quantity == quantity) return &m;
  }
  return nullptr;
}

const SensorReading* find_reading(const std::vector<SensorReading>& readings, std::string_view node,
                                  std::string_view sensor) {
  for (const auto& r : readings)
    if (r.sensor == sensor && r.node == node) return &r;
  return nullptr;
}

SensorReading ok_reading(std::string sensor, ReadingSource source, WallTime time,
                         std::vector<Measurement> values) {
  return SensorReading{std::move(sensor), source, ReadingStatus::ok, {}, time, std::move(values), {}};
}

SensorReading error_reading(std::string sensor, ReadingSource source, WallTime time,
                            std::string reason) {
  return SensorReading{std::move(sensor), source, ReadingStatus::error, std::move(reason), time, {}, {}};
}

}  // namespace sensorhost::io
