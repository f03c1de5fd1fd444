#pragma once
// DHT22 through the kernel's dht11 IIO driver (dtoverlay=dht11,gpiopin=N), the most
// reliable path on a Pi: the kernel timestamps the edges in its IRQ handler.
#include <filesystem>
#include <optional>

#include "sensors/dht22_driver.hpp"

namespace sensorhost::sensors {

inline constexpr const char* kIioRoot = "/sys/bus/iio/devices";

// The first iio:deviceN under `root` whose name is the dht11 driver's ("dht11", or
// "dht11@4" from the overlay's node name).
std::optional<std::filesystem::path> find_iio_dht(const std::filesystem::path& root = kIioRoot);

class IioDht22Source final : public Dht22Source {
 public:
  explicit IioDht22Source(std::filesystem::path device) : device_(std::move(device)) {}
  // Failed reads surface as the kernel's errno text (EIO, ETIMEDOUT) naming the file.
  Expected<Dht22Frame, std::string> sample(io::WallTime at) override;
  io::ReadingSource source() const override { return io::ReadingSource::iio; }
  std::string describe() const override;

 private:
  std::filesystem::path device_;
};

}  // namespace sensorhost::sensors
