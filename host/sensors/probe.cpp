#include "sensors/probe.hpp"

#include <gpiod.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "sensors/bme680_compensation.hpp"
#include "sensors/sysfs.hpp"

namespace sensorhost::sensors {
namespace fs = std::filesystem;

namespace {

std::string hex(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", v);
  return buf;
}

std::string format_reading(const io::SensorReading& r) {
  std::ostringstream out;
  out << io::to_string(r.status) << " via " << io::to_string(r.source);
  if (r.status != io::ReadingStatus::ok) return out.str() + ": " + r.error;
  for (const auto& m : r.values) out << ", " << m.quantity << " " << m.value << " " << m.unit;
  return out.str();
}

bool list_gpiochips(std::ostream& out, const HardwareAccess& access) {
  out << "GPIO chips (" << access.dev_root.string() << "/gpiochip*):\n";
  const auto chips = list_entries(access.dev_root, "gpiochip");
  for (const auto& path : chips) {
    gpiod_chip* chip = gpiod_chip_open(path.c_str());
    if (!chip) {
      out << "  " << path.string() << ": cannot open: " << std::strerror(errno)
          << (errno == EACCES ? " (add the user to the gpio group)" : "") << "\n";
      continue;
    }
    out << "  " << path.string() << ": " << gpiod_chip_name(chip) << " [" << gpiod_chip_label(chip) << "], "
        << gpiod_chip_num_lines(chip) << " lines\n";
    gpiod_chip_close(chip);
  }
  if (chips.empty()) out << "  none found (no GPIO controller visible on this machine)\n";
  return !chips.empty();
}

std::string bme680_at(I2cBus& bus, std::uint8_t address) {
  std::uint8_t id = 0, variant = 0;
  if (!bus.read_block(address, bme680::kChipIdReg, {&id, 1})) return "nothing answers";
  if (id != bme680::kChipId) return "a device with chip id " + hex(id) + " (not a BME680)";
  if (!bus.read_block(address, bme680::kVariantReg, {&variant, 1})) return "BME680 chip id, variant unreadable";
  return variant == bme680::kVariantBme680 ? "BME680" : "BME68x variant " + hex(variant);
}

bool list_i2c(std::ostream& out, const HardwareAccess& access) {
  out << "I2C buses (" << access.dev_root.string() << "/i2c-*):\n";
  const auto buses = list_entries(access.dev_root, "i2c-");
  for (const auto& path : buses) {
    auto bus = access.open_i2c(path.string());
    if (!bus) {
      out << "  " << bus.error() << "\n";
      continue;
    }
    out << "  " << path.string() << ": 0x76: " << bme680_at(**bus, 0x76) << "; 0x77: " << bme680_at(**bus, 0x77)
        << "\n";
  }
  if (buses.empty()) out << "  none found (on a Pi: enable I2C with raspi-config or dtparam=i2c_arm=on)\n";
  return !buses.empty();
}

bool list_iio(std::ostream& out, const HardwareAccess& access) {
  out << "IIO devices (" << access.iio_root.string() << "):\n";
  const auto devices = list_entries(access.iio_root, "iio:device");
  for (const auto& dir : devices) {
    auto name = read_text(dir / "name");
    out << "  " << dir.filename().string() << ": " << (name ? *name : "?")
        << (name && name->starts_with("dht11") ? " (DHT driver)" : "") << "\n";
  }
  if (devices.empty()) out << "  none found (for the kernel DHT22 driver add dtoverlay=dht11,gpiopin=N)\n";
  return find_iio_dht(access.iio_root).has_value();
}

bool list_zones(std::ostream& out, const HardwareAccess& access, const config::CpuConfig& cpu) {
  out << "Thermal zones (" << access.thermal_root.string() << "):\n";
  const auto zones = list_thermal_zones(access.thermal_root);
  const auto chosen = choose_thermal_zone(zones, cpu.thermal_zone);
  for (const auto& z : zones) {
    auto t = read_milli(z.dir / "temp");
    out << "  " << z.name << ": type " << z.type << ", ";
    if (t) out << *t << " C"; else out << t.error();
    out << (chosen && chosen->name == z.name ? "  <- used for cpu" : "") << "\n";
  }
  if (zones.empty()) out << "  none found\n";
  return !zones.empty();
}

// One read per sensor through the driver the service would pick in mode "auto".
void read_sensors(std::ostream& out, const config::Dht22Config& dht22, const config::Bme680Config& bme680,
                  const config::CpuConfig& cpu, const HardwareAccess& access) {
  auto set = make_sensor_drivers(dht22, bme680, cpu, config::SimulationConfig{}, config::HardwareMode::auto_detect,
                                 false, access);
  out << "Sensor reads (configured sensors, as the service would choose in mode auto):\n";
  for (std::size_t i = 0; i < set.drivers.size(); ++i) {
    auto& driver = *set.drivers[i];
    auto reading = driver.read(io::WallClock::now());
    if (reading.source == io::ReadingSource::sim) {
      out << "  " << driver.name() << ": no hardware found, the service would simulate it\n";
      continue;
    }
    // A DHT22 needs 2 s between reads and a userspace capture can fail: up to 3 tries.
    for (int attempt = 1; attempt < 3 && driver.name() == "dht22" && reading.status != io::ReadingStatus::ok;
         ++attempt) {
      access.sleep(driver.cadence() + std::chrono::milliseconds(100));
      reading = driver.read(io::WallClock::now());
    }
    out << "  " << set.descriptions[i] << "\n    -> " << format_reading(reading) << "\n";
  }
  for (const auto& d : set.descriptions) {
    if (d.ends_with(": disabled")) out << "  " << d << "\n";
  }
}

}  // namespace

std::string probe_hardware(const config::Dht22Config& dht22, const config::Bme680Config& bme680,
                           const config::CpuConfig& cpu, const HardwareAccess& access) {
  std::ostringstream out;
  bool found = list_gpiochips(out, access);
  found = list_i2c(out, access) || found;
  found = list_iio(out, access) || found;
  found = list_zones(out, access, cpu) || found;
  read_sensors(out, dht22, bme680, cpu, access);
  if (!found) out << "No sensor hardware found on this machine: sensorhost would run on simulated sensors.\n";
  return out.str();
}

}  // namespace sensorhost::sensors
