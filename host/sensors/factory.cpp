#include "sensors/factory.hpp"

#include <cstdio>

#include "sensors/dht22_gpiod.hpp"
#include "sensors/leds.hpp"
#include "sensors/sim_drivers.hpp"

namespace sensorhost::sensors {
namespace fs = std::filesystem;
using config::HardwareMode;

namespace {

bool present(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

struct Builder {
  const HardwareAccess& access;
  bool sim;       // everything simulated
  bool real;      // hardware even when it looks absent
  std::shared_ptr<const SimEnvironment> env;
  SensorDrivers out;

  void add(std::unique_ptr<io::SensorDriver> driver, std::string description) {
    out.descriptions.push_back(driver->name() + ": " + std::move(description));
    out.drivers.push_back(std::move(driver));
  }

  void dht22(const config::Dht22Config& c, const config::SimulationConfig& simulation) {
    using config::Dht22Backend;
    Dht22DriverOptions options;
    options.cadence = access.dht22_cadence;
    const auto iio = find_iio_dht(access.iio_root);
    const fs::path chip = access.device(c.chip);
    const bool want_iio = c.backend == Dht22Backend::iio || (c.backend == Dht22Backend::auto_detect && iio);
    const bool have = want_iio ? iio.has_value() : present(chip);
    if (sim || c.backend == Dht22Backend::sim || (!real && !have)) {
      std::string why = sim ? "simulation mode" : c.backend == Dht22Backend::sim ? "backend = sim"
                      : want_iio ? "no dht11 IIO device under " + access.iio_root.string()
                                 : chip.string() + " not found";
      auto driver = make_sim_dht22(env, simulation.dht22_failure_rate, options);
      const std::string text = driver->describe() + " (" + why + ")";
      add(std::move(driver), text);
      return;
    }
    std::unique_ptr<Dht22Source> source;
    if (want_iio) {
      source = std::make_unique<IioDht22Source>(iio ? *iio : access.iio_root / "iio:device0");
    } else {
      source = std::make_unique<DecodingDht22Source>(std::make_unique<GpiodEdgeSource>(chip.string(), c.pin));
    }
    const std::string text = source->describe();
    add(std::make_unique<Dht22Driver>(std::move(source), options), text);
  }

  void bme680(const config::Bme680Config& c, const config::SimulationConfig& simulation) {
    const auto settings = bme680_settings(c, access.bme680_cadence);
    const fs::path bus = access.device(c.bus);
    if (sim || (!real && !present(bus))) {
      const std::string why = sim ? "simulation mode" : bus.string() + " not found";
      add(std::make_unique<SimBme680Driver>(env, settings, simulation.bme680_present),
          "register-level chip model + real driver" +
              std::string(simulation.bme680_present ? "" : ", chip absent (no ACK)") + " (" + why + ")");
      return;
    }
    auto open = [open_i2c = access.open_i2c, path = bus.string()] { return open_i2c(path); };
    auto driver = std::make_unique<Bme680Driver>(open, settings, access.sleep);
    char address[8];
    std::snprintf(address, sizeof address, "0x%02x", c.address);
    add(std::move(driver), "i2c-dev " + bus.string() + " address " + address + ", heater " +
                               std::to_string(c.heater_temperature_c) + " C for " +
                               std::to_string(c.heater_duration_ms) + " ms");
  }

  void cpu(const config::CpuConfig& c, const config::SimulationConfig& simulation) {
    const auto zone = choose_thermal_zone(list_thermal_zones(access.thermal_root), c.thermal_zone);
    if (sim || (!real && !zone)) {
      const std::string why = sim ? "simulation mode" : "no matching thermal zone under " + access.thermal_root.string();
      add(std::make_unique<SimCpuDriver>(env, simulation.cpu_zone_present, access.cpu_cadence),
          "simulated SoC temperature (" + why + ")");
      return;
    }
    const ThermalZone z = zone ? *zone : ThermalZone{c.thermal_zone, "?", access.thermal_root / c.thermal_zone};
    add(std::make_unique<ThermalZoneDriver>(z, access.cpu_cadence),
        "thermal zone " + z.name + " (type " + z.type + ") at " + z.dir.string());
  }
};

}  // namespace

fs::path HardwareAccess::device(const std::string& configured) const {
  if (configured.starts_with("/dev/")) return dev_root / configured.substr(5);
  if (configured.find('/') == std::string::npos) return dev_root / configured;
  return configured;
}

SensorDrivers make_sensor_drivers(const config::Dht22Config& dht22, const config::Bme680Config& bme680,
                                  const config::CpuConfig& cpu, const config::SimulationConfig& simulation,
                                  HardwareMode mode, bool force_sim, const HardwareAccess& access) {
  Builder b{access, force_sim || mode == HardwareMode::sim, mode == HardwareMode::real && !force_sim,
            std::make_shared<const SimEnvironment>(simulation.seed), {}};
  if (dht22.enabled) b.dht22(dht22, simulation); else b.out.descriptions.push_back("dht22: disabled");
  if (bme680.enabled) b.bme680(bme680, simulation); else b.out.descriptions.push_back("bme680: disabled");
  if (cpu.enabled) b.cpu(cpu, simulation); else b.out.descriptions.push_back("cpu: disabled");
  return std::move(b.out);
}

Expected<LedChoice, std::string> make_led_output(const config::LedsConfig& leds, HardwareMode mode, bool force_sim,
                                                 const HardwareAccess& access) {
  auto simulated = [&](const std::string& why) {
    return LedChoice{std::make_unique<SimLedOutput>(leds.pins.size()),
                     "leds: simulated, " + std::to_string(leds.pins.size()) + " LEDs (" + why + ")"};
  };
  if (force_sim || mode == HardwareMode::sim) return simulated("simulation mode");
  if (leds.pins.empty()) return simulated("no pins configured");
  const fs::path chip = access.device(leds.chip);
  if (mode == HardwareMode::auto_detect && !present(chip)) return simulated(chip.string() + " not found");
  auto bank = GpiodLedOutput::open(chip.string(), leds.pins, leds.active_low);
  if (!bank) {
    if (mode == HardwareMode::real) return unexpected(bank.error());
    return simulated(bank.error());
  }
  std::string text = "leds: " + (*bank)->describe();
  return LedChoice{std::move(*bank), std::move(text)};
}

}  // namespace sensorhost::sensors
