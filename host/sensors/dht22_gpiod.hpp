#pragma once
// DHT22 edge capture through libgpiod 1.6 (v1 API). Kept thin: everything after the
// capture is the tested decoder. The line is requested for one frame and released on
// every path (RAII), so a crash or error never leaves it requested.
#include <chrono>
#include <string>

#include "sensors/dht22_driver.hpp"

namespace sensorhost::sensors {

struct GpiodCaptureOptions {
  std::chrono::microseconds start_low{1100};  // host start pulse (0.8..20 ms)
  std::chrono::milliseconds frame_timeout{25};  // a whole frame takes ~5 ms
  std::chrono::microseconds idle_end{2000};     // no edge for this long: frame over
};

class GpiodEdgeSource final : public EdgeSource {
 public:
  // `chip` as gpiod_chip_open_lookup takes it: "gpiochip0", "/dev/gpiochip0", a label or a number.
  GpiodEdgeSource(std::string chip, unsigned pin, GpiodCaptureOptions options = {})
      : chip_(std::move(chip)), pin_(pin), options_(options) {}
  Expected<std::vector<Edge>, std::string> capture(io::WallTime at) override;
  io::ReadingSource source() const override { return io::ReadingSource::gpiod; }
  std::string describe() const override;

 private:
  std::string chip_;
  unsigned pin_;
  GpiodCaptureOptions options_;
};

}  // namespace sensorhost::sensors
