#include "io/process_image.hpp"

namespace sensorhost::io {

void ProcessImage::publish(SensorReading reading) {
  std::lock_guard lock(mutex_);
  Entry& entry = entries_[reading.sensor];
  if (reading.status == ReadingStatus::ok) {
    ++entry.counters.successes;
    entry.last_good = std::move(reading);
    entry.last_error.reset();
  } else {
    ++entry.counters.failures;
    entry.counters.last_error = reading.error;
    entry.last_error = std::move(reading);
  }
}

void ProcessImage::set_stale_after(const std::string& sensor, std::chrono::milliseconds age) {
  std::lock_guard lock(mutex_);
  entries_[sensor].stale_after = age;
}

void ProcessImage::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

SensorReading ProcessImage::current(const Entry& entry, WallTime now) {
  if (!entry.last_good) {
    if (entry.last_error) return *entry.last_error;
    return SensorReading{};  // registered but never read: unreachable through snapshot()
  }
  SensorReading reading = *entry.last_good;
  const auto age = now - reading.time;
  if (age > entry.stale_after) {
    reading.status = ReadingStatus::stale;
    reading.error = "no fresh sample for " +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(age).count()) + " s";
    if (entry.last_error) reading.error += " (last error: " + entry.last_error->error + ")";
  }
  return reading;
}

std::vector<SensorReading> ProcessImage::snapshot(WallTime now) const {
  std::lock_guard lock(mutex_);
  std::vector<SensorReading> out;
  out.reserve(entries_.size());
  for (const auto& [name, entry] : entries_) {
    if (entry.last_good || entry.last_error) out.push_back(current(entry, now));
  }
  return out;
}

std::map<std::string, SensorCounters> ProcessImage::counters() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, SensorCounters> out;
  for (const auto& [name, entry] : entries_) out[name] = entry.counters;
  return out;
}

}  // namespace sensorhost::io
