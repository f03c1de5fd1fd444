#pragma once
// Success and failure counts of one driver, readable from any thread (the probe and the
// control plane ask while the driver thread reads).
#include <mutex>

#include "io/process_image.hpp"
#include "io/reading.hpp"

namespace sensorhost::sensors {

// The same counts the process image keeps per sensor, here as the driver saw them.
using DriverStats = io::SensorCounters;

class DriverCounters {
 public:
  void record(const io::SensorReading& reading) {
    std::lock_guard lock(mutex_);
    if (reading.status == io::ReadingStatus::ok) {
      ++stats_.successes;
    } else {
      ++stats_.failures;
      stats_.last_error = reading.error;
    }
  }
  DriverStats get() const {
    std::lock_guard lock(mutex_);
    return stats_;
  }

 private:
  mutable std::mutex mutex_;
  DriverStats stats_;
};

}  // namespace sensorhost::sensors
