#pragma once
// The process image: the latest sample of every sensor, written by the driver threads
// and read by the cycle. Writers and the reader only hold the lock for a few copies;
// the cycle never waits on hardware.
//
// A failed read does not wipe out the last good sample: the good values are served
// until they are older than the sensor's stale_after, then served as stale, and the
// error shows once no good value is left. Success and failure counts are kept per sensor.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "io/reading.hpp"

namespace sensorhost::io {

struct SensorCounters {
  std::uint64_t successes = 0;
  std::uint64_t failures = 0;
  std::string last_error;
};

class ProcessImage {
 public:
  void publish(SensorReading reading);

  // The current reading of every sensor, sorted by name (see the policy above).
  std::vector<SensorReading> snapshot(WallTime now) const;
  std::map<std::string, SensorCounters> counters() const;

  // Forgets every sensor (the set of sensors changed on a config reload).
  void clear();

  // How old a sensor's good sample may get before it counts as stale (default 10 s).
  void set_stale_after(const std::string& sensor, std::chrono::milliseconds age);

 private:
  struct Entry {
    std::optional<SensorReading> last_good;
    std::optional<SensorReading> last_error;
    SensorCounters counters;
    std::chrono::milliseconds stale_after{10'000};
  };
  static SensorReading current(const Entry& entry, WallTime now);

  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace sensorhost::io
