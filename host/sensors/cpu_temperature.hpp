#pragma once
// SoC temperature from a thermal zone chosen by its type (cpu-thermal on a Pi,
// soc_thermal / x86_pkg_temp elsewhere), or a simulated one.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/sensor_driver.hpp"
#include "sensors/driver_stats.hpp"
#include "sensors/sim_environment.hpp"

namespace sensorhost::sensors {

inline constexpr const char* kThermalRoot = "/sys/class/thermal";

struct ThermalZone {
  std::string name;  // "thermal_zone0"
  std::string type;  // "cpu-thermal"
  std::filesystem::path dir;
};

std::vector<ThermalZone> list_thermal_zones(const std::filesystem::path& root = kThermalRoot);
// `wanted` is "auto" (the zone whose type names the SoC, in order of preference) or a zone
// name such as "thermal_zone1". Empty when nothing fits.
std::optional<ThermalZone> choose_thermal_zone(const std::vector<ThermalZone>& zones, const std::string& wanted);

class ThermalZoneDriver final : public io::SensorDriver {
 public:
  explicit ThermalZoneDriver(ThermalZone zone, std::chrono::milliseconds cadence = std::chrono::seconds(2))
      : zone_(std::move(zone)), cadence_(cadence) {}
  const std::string& name() const override { return name_; }
  std::chrono::milliseconds cadence() const override { return cadence_; }
  io::SensorReading read(io::WallTime now) override;
  DriverStats stats() const { return counters_.get(); }

 private:
  std::string name_ = "cpu";
  ThermalZone zone_;
  std::chrono::milliseconds cadence_;
  DriverCounters counters_;
};

// The simulated SoC; with `present` false it reports the missing zone as an error.
class SimCpuDriver final : public io::SensorDriver {
 public:
  SimCpuDriver(std::shared_ptr<const SimEnvironment> env, bool present,
               std::chrono::milliseconds cadence = std::chrono::seconds(2))
      : env_(std::move(env)), present_(present), cadence_(cadence) {}
  const std::string& name() const override { return name_; }
  std::chrono::milliseconds cadence() const override { return cadence_; }
  io::SensorReading read(io::WallTime now) override;

 private:
  std::string name_ = "cpu";
  std::shared_ptr<const SimEnvironment> env_;
  bool present_;
  std::chrono::milliseconds cadence_;
};

}  // namespace sensorhost::sensors
