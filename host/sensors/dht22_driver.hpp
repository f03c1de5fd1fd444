#pragma once
// The DHT22 sensor driver: pacing (at most one read per 2 s), bounded retries, success and
// failure counts, readings. Where a frame comes from is a Dht22Source:
//  - DecodingDht22Source: an EdgeSource (libgpiod capture, or the waveform simulation)
//    followed by the real decoder;
//  - IioDht22Source (dht22_iio.hpp): the kernel's dht11 IIO driver.
//
// Retries do not sleep inside read(): after a failure the driver asks to be called again
// after `retry_gap` (its cadence() shrinks), so a stop request is never held up by a
// retry wait, and the poller's thread stays the only place that waits.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "io/sensor_driver.hpp"
#include "sensors/dht22_decoder.hpp"
#include "sensors/driver_stats.hpp"

namespace sensorhost::sensors {

// Triggers one DHT22 frame and returns the edges it saw.
class EdgeSource {
 public:
  virtual ~EdgeSource() = default;
  virtual Expected<std::vector<Edge>, std::string> capture(io::WallTime at) = 0;
  virtual io::ReadingSource source() const = 0;
  virtual std::string describe() const = 0;
};

class Dht22Source {
 public:
  virtual ~Dht22Source() = default;
  virtual Expected<Dht22Frame, std::string> sample(io::WallTime at) = 0;
  virtual io::ReadingSource source() const = 0;
  virtual std::string describe() const = 0;
};

class DecodingDht22Source final : public Dht22Source {
 public:
  explicit DecodingDht22Source(std::unique_ptr<EdgeSource> edges, Dht22Timing timing = {})
      : edges_(std::move(edges)), timing_(timing) {}
  Expected<Dht22Frame, std::string> sample(io::WallTime at) override;
  io::ReadingSource source() const override { return edges_->source(); }
  std::string describe() const override { return edges_->describe(); }

 private:
  std::unique_ptr<EdgeSource> edges_;
  Dht22Timing timing_;
};

struct Dht22DriverOptions {
  std::chrono::milliseconds cadence{2000};    // normal sampling period (raised to >= 2 s)
  std::chrono::milliseconds retry_gap{2000};  // after a failure (raised to >= 2 s)
  unsigned max_retries = 2;                   // retries per scheduled sample
};

class Dht22Driver final : public io::SensorDriver {
 public:
  static constexpr std::chrono::milliseconds kMinInterval{2000};

  explicit Dht22Driver(std::unique_ptr<Dht22Source> source, Dht22DriverOptions options = {});
  const std::string& name() const override { return name_; }
  std::chrono::milliseconds cadence() const override;
  io::SensorReading read(io::WallTime now) override;

  DriverStats stats() const { return counters_.get(); }
  std::string describe() const { return source_->describe(); }

 private:
  std::string name_ = "dht22";
  std::unique_ptr<Dht22Source> source_;
  Dht22DriverOptions options_;
  std::optional<io::WallTime> last_attempt_;
  std::optional<io::SensorReading> last_reading_;
  unsigned retries_used_ = 0;
  bool retry_pending_ = false;
  DriverCounters counters_;
};

}  // namespace sensorhost::sensors
