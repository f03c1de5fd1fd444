#include "sensors/dht22_driver.hpp"

#include <algorithm>

namespace sensorhost::sensors {

Expected<Dht22Frame, std::string> DecodingDht22Source::sample(io::WallTime at) {
  auto edges = edges_->capture(at);
  if (!edges) return unexpected(std::move(edges).error());
  auto decoded = decode_dht22(*edges, timing_);
  if (!decoded) return unexpected(std::move(decoded).error());
  return decoded->frame;
}

Dht22Driver::Dht22Driver(std::unique_ptr<Dht22Source> source, Dht22DriverOptions options)
    : source_(std::move(source)), options_(options) {
  options_.cadence = std::max(options_.cadence, kMinInterval);
  options_.retry_gap = std::max(options_.retry_gap, kMinInterval);
}

std::chrono::milliseconds Dht22Driver::cadence() const {
  return retry_pending_ ? options_.retry_gap : options_.cadence;
}

io::SensorReading Dht22Driver::read(io::WallTime now) {
  // The sensor answers with its previous measurement and needs 2 s between reads; a caller
  // that comes back sooner gets the last sample again, as the kernel driver does. A clock
  // that went backwards does not lock the sensor out.
  if (last_attempt_ && last_reading_ && now >= *last_attempt_ && now - *last_attempt_ < kMinInterval) {
    return *last_reading_;
  }
  last_attempt_ = now;
  auto frame = source_->sample(now);
  if (frame) {
    retries_used_ = 0;
    retry_pending_ = false;
    last_reading_ = io::ok_reading(name_, source_->source(), now,
                                   {{"temperature", frame->temperature, "C"},
                                    {"humidity", frame->humidity, "%RH"}});
  } else {
    retry_pending_ = retries_used_ < options_.max_retries;
    retries_used_ = retry_pending_ ? retries_used_ + 1 : 0;
    last_reading_ = io::error_reading(name_, source_->source(), now, frame.error());
  }
  counters_.record(*last_reading_);
  return *last_reading_;
}

}  // namespace sensorhost::sensors
