#include "sensors/cpu_temperature.hpp"

#include <algorithm>
#include <array>

#include "sensors/sysfs.hpp"

namespace sensorhost::sensors {

std::vector<ThermalZone> list_thermal_zones(const std::filesystem::path& root) {
  std::vector<ThermalZone> zones;
  for (const auto& dir : list_entries(root, "thermal_zone")) {
    auto type = read_text(dir / "type");
    zones.push_back({dir.filename().string(), type ? *type : std::string("?"), dir});
  }
  return zones;
}

std::optional<ThermalZone> choose_thermal_zone(const std::vector<ThermalZone>& zones, const std::string& wanted) {
  if (wanted != "auto") {
    auto it = std::find_if(zones.begin(), zones.end(), [&](const ThermalZone& z) { return z.name == wanted; });
    return it == zones.end() ? std::nullopt : std::optional(*it);
  }
  // Types that name the SoC/CPU package, best first (Pi: cpu-thermal; Rockchip/Amlogic:
  // soc_thermal / soc-thermal; Intel: x86_pkg_temp; AMD k10temp has no zone).
  static constexpr std::array kPreferred = {"cpu-thermal", "cpu_thermal", "soc_thermal", "soc-thermal",
                                            "x86_pkg_temp", "cpu0-thermal", "cpu0_thermal", "cpu"};
  for (const char* type : kPreferred) {
    auto it = std::find_if(zones.begin(), zones.end(), [&](const ThermalZone& z) { return z.type == type; });
    if (it != zones.end()) return *it;
  }
  return std::nullopt;
}

io::SensorReading ThermalZoneDriver::read(io::WallTime now) {
  auto celsius = read_milli(zone_.dir / "temp");
  auto reading = celsius ? io::ok_reading(name_, io::ReadingSource::sysfs, now, {{"temperature", *celsius, "C"}})
                         : io::error_reading(name_, io::ReadingSource::sysfs, now, celsius.error());
  counters_.record(reading);
  return reading;
}

io::SensorReading SimCpuDriver::read(io::WallTime now) {
  if (!present_) {
    return io::error_reading(name_, io::ReadingSource::sim, now, "no thermal zone (simulation: cpu_zone_present = false)");
  }
  return io::ok_reading(name_, io::ReadingSource::sim, now, {{"temperature", env_->at(now).soc_temperature_c, "C"}});
}

}  // namespace sensorhost::sensors
