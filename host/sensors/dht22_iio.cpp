#include "sensors/dht22_iio.hpp"

#include "sensors/sysfs.hpp"

namespace sensorhost::sensors {

std::optional<std::filesystem::path> find_iio_dht(const std::filesystem::path& root) {
  for (const auto& device : list_entries(root, "iio:device")) {
    auto name = read_text(device / "name");
    if (name && name->starts_with("dht11")) return device;
  }
  return std::nullopt;
}

Expected<Dht22Frame, std::string> IioDht22Source::sample(io::WallTime) {
  auto temperature = read_milli(device_ / "in_temp_input");
  if (!temperature) return unexpected(std::move(temperature).error());
  auto humidity = read_milli(device_ / "in_humidityrelative_input");
  if (!humidity) return unexpected(std::move(humidity).error());
  Dht22Frame frame;
  frame.temperature = *temperature;
  frame.humidity = *humidity;
  if (auto why = dht22_implausible(frame); !why.empty()) return unexpected(why + " from " + device_.string());
  return frame;
}

std::string IioDht22Source::describe() const { return "kernel IIO driver at " + device_.string(); }

}  // namespace sensorhost::sensors
