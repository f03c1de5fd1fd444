#pragma once
// Runs each sensor driver on its own thread at its own cadence and publishes every
// sample into the process image. Stopping is prompt: a waiting thread wakes at once,
// a thread inside a read finishes that read (bounded by the driver) and exits.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

#include "io/process_image.hpp"
#include "io/sensor_driver.hpp"

namespace sensorhost::io {

class SensorPoller {
 public:
  explicit SensorPoller(ProcessImage& image) : image_(image) {}
  ~SensorPoller() { stop(); }
  SensorPoller(const SensorPoller&) = delete;
  SensorPoller& operator=(const SensorPoller&) = delete;

  // Takes ownership of the drivers, reads each once on the calling thread (so the first
  // cycle has data), then starts one thread per driver for the following reads.
  void start(std::vector<std::unique_ptr<SensorDriver>> drivers);
  void stop();

 private:
  void run(std::stop_token stop, SensorDriver& driver);

  ProcessImage& image_;
  std::vector<std::unique_ptr<SensorDriver>> drivers_;
  std::vector<std::jthread> threads_;
  std::mutex wake_mutex_;
  std::condition_variable_any wake_;
};

}  // namespace sensorhost::io
