#pragma once
// Chooses a backend for every sensor and the LED bank from the config and what the
// machine has: mode "real" uses the hardware backends (their failures show in readings),
// "sim" (or --sim) the simulations, "auto" the hardware when it is there and the
// simulation otherwise. Each choice comes with a line for the start-up log.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "io/led.hpp"
#include "io/sensor_driver.hpp"
#include "sensors/bme680_driver.hpp"
#include "sensors/cpu_temperature.hpp"
#include "sensors/dht22_iio.hpp"
#include "sensors/i2c_bus.hpp"

namespace sensorhost::sensors {

// Where the hardware is looked for, and how it is reached: the defaults are the real
// system; tests point the roots at temporary folders and inject an I2C bus.
struct HardwareAccess {
  std::filesystem::path dev_root = "/dev";
  std::filesystem::path iio_root = kIioRoot;
  std::filesystem::path thermal_root = kThermalRoot;
  std::function<Expected<I2cBusPtr, std::string>(const std::string& path)> open_i2c = LinuxI2cBus::open;
  Sleeper sleep = real_sleeper();
  std::chrono::milliseconds dht22_cadence{2000};
  std::chrono::milliseconds bme680_cadence{3000};
  std::chrono::milliseconds cpu_cadence{2000};

  // A /dev path from the config ("/dev/i2c-1", or a bare "gpiochip0") under dev_root.
  std::filesystem::path device(const std::string& configured) const;
};

struct SensorDrivers {
  std::vector<std::unique_ptr<io::SensorDriver>> drivers;
  std::vector<std::string> descriptions;  // one line per sensor, for the start-up log
};

SensorDrivers make_sensor_drivers(const config::Dht22Config& dht22, const config::Bme680Config& bme680,
                                  const config::CpuConfig& cpu, const config::SimulationConfig& simulation,
                                  config::HardwareMode mode, bool force_sim, const HardwareAccess& access = {});

struct LedChoice {
  std::unique_ptr<io::LedOutput> output;
  std::string description;
};

// Fails only in mode "real" when the lines cannot be requested; "auto" falls back to
// the simulation and says why.
Expected<LedChoice, std::string> make_led_output(const config::LedsConfig& leds, config::HardwareMode mode,
                                                 bool force_sim, const HardwareAccess& access = {});

}  // namespace sensorhost::sensors
