// Backend choice (sim / auto / real) on temp folders and an injected I2C chip, and the
// hardware probe's report.
#include <gtest/gtest.h>

#include "io/sensor_poller.hpp"
#include "sensors/bme680_model.hpp"
#include "sensors/factory.hpp"
#include "sensors/probe.hpp"
#include "sensors/test_support.hpp"

namespace sensorhost::sensors {
namespace {

using testing::expect_has;

using config::HardwareMode;
using testing::TempTree;

const io::WallTime kT0 = io::WallTime(std::chrono::seconds(1'700'000'000));

struct Machine {
  TempTree tree;
  HardwareAccess access;
  std::shared_ptr<Bme680ChipModel> chip;
  std::vector<std::string> opened;

  Machine() {
    access.dev_root = tree.path("dev");
    access.iio_root = tree.path("iio");
    access.thermal_root = tree.path("thermal");
    tree.mkdir("dev");
    access.sleep = [](std::chrono::microseconds) {};
    access.open_i2c = [this](const std::string& path) -> Expected<I2cBusPtr, std::string> {
      opened.push_back(path);
      if (!chip) return unexpected("cannot open I2C bus " + path);
      return I2cBusPtr(std::make_unique<SharedI2cBus>(chip));
    };
  }
  void add_dht_iio() {
    tree.write("iio/iio:device0/name", "dht11@4");
    tree.write("iio/iio:device0/in_temp_input", "21300");
    tree.write("iio/iio:device0/in_humidityrelative_input", "45100");
  }
  void add_zone() {
    tree.write("thermal/thermal_zone0/type", "cpu-thermal");
    tree.write("thermal/thermal_zone0/temp", "47236");
  }
  void add_bme680(std::uint8_t address) {
    tree.write("dev/i2c-1", "");
    Bme680ModelOptions o;
    o.address = address;
    o.bus_name = tree.path("dev/i2c-1").string();
    chip = std::make_shared<Bme680ChipModel>(typical_bme680_calibration(), o);
  }
};

std::vector<io::SensorReading> read_all(SensorDrivers& set) {
  std::vector<io::SensorReading> out;
  for (auto& d : set.drivers) out.push_back(d->read(kT0));
  return out;
}

TEST(SensorFactory, SimModeSimulatesEverything) {
  Machine m;
  m.add_dht_iio();
  m.add_zone();
  for (auto [mode, force] : {std::pair{HardwareMode::sim, false}, std::pair{HardwareMode::real, true}}) {
    auto set = make_sensor_drivers({}, {}, {}, {}, mode, force, m.access);
    ASSERT_EQ(set.drivers.size(), 3u);
    for (const auto& r : read_all(set)) EXPECT_EQ(r.source, io::ReadingSource::sim) << r.sensor;
    for (const auto& d : set.descriptions) expect_has(d, "simulation mode");
  }
}

TEST(SensorFactory, AutoWithoutHardwareFallsBackAndSaysWhy) {
  Machine m;
  auto set = make_sensor_drivers({}, {}, {}, {}, HardwareMode::auto_detect, false, m.access);
  ASSERT_EQ(set.descriptions.size(), 3u);
  expect_has(set.descriptions[0], "dht22: simulated waveform");
  expect_has(set.descriptions[0], "gpiochip0 not found");
  expect_has(set.descriptions[1], "i2c-1 not found");
  expect_has(set.descriptions[2], "no matching thermal zone");
  for (const auto& r : read_all(set)) EXPECT_EQ(r.source, io::ReadingSource::sim);
}

TEST(SensorFactory, AutoPicksTheHardwareThatExists) {
  Machine m;
  m.add_dht_iio();
  m.add_zone();
  m.add_bme680(0x76);
  auto set = make_sensor_drivers({}, {}, {}, {}, HardwareMode::auto_detect, false, m.access);
  const auto readings = read_all(set);
  ASSERT_EQ(readings.size(), 3u);
  EXPECT_EQ(readings[0].source, io::ReadingSource::iio);  // auto prefers the kernel driver
  EXPECT_DOUBLE_EQ(readings[0].find("temperature")->value, 21.3);
  EXPECT_EQ(readings[1].source, io::ReadingSource::i2c);
  EXPECT_EQ(readings[1].status, io::ReadingStatus::ok) << readings[1].error;
  EXPECT_EQ(m.opened, std::vector<std::string>{m.tree.path("dev/i2c-1").string()});
  EXPECT_EQ(readings[2].source, io::ReadingSource::sysfs);
  EXPECT_DOUBLE_EQ(readings[2].find("temperature")->value, 47.236);
  expect_has(set.descriptions[1], "address 0x76, heater 320 C for 150 ms");
}

TEST(SensorFactory, ExplicitGpiodBackendAndDisabledSensors) {
  Machine m;
  m.add_dht_iio();
  m.tree.write("dev/gpiochip0", "");
  config::Dht22Config dht;
  dht.backend = config::Dht22Backend::gpiod;
  dht.pin = 17;
  config::Bme680Config bme;
  bme.enabled = false;
  config::CpuConfig cpu;
  cpu.enabled = false;
  auto set = make_sensor_drivers(dht, bme, cpu, {}, HardwareMode::auto_detect, false, m.access);
  ASSERT_EQ(set.drivers.size(), 1u);
  expect_has(set.descriptions[0], "libgpiod");
  expect_has(set.descriptions[0], "line 17");
  EXPECT_EQ(set.descriptions[1], "bme680: disabled");
  EXPECT_EQ(set.descriptions[2], "cpu: disabled");
  // The "chip" is a plain file: the capture fails cleanly, as an error reading.
  const auto r = set.drivers[0]->read(kT0);
  EXPECT_EQ(r.status, io::ReadingStatus::error);
  EXPECT_EQ(r.source, io::ReadingSource::gpiod);
}

TEST(SensorFactory, RealModeKeepsHardwareBackendsAndReportsErrors) {
  Machine m;
  auto set = make_sensor_drivers({}, {}, {}, {}, HardwareMode::real, false, m.access);
  const auto readings = read_all(set);
  ASSERT_EQ(readings.size(), 3u);
  EXPECT_EQ(readings[0].source, io::ReadingSource::gpiod);
  EXPECT_EQ(readings[1].source, io::ReadingSource::i2c);
  EXPECT_EQ(readings[2].source, io::ReadingSource::sysfs);
  for (const auto& r : readings) EXPECT_EQ(r.status, io::ReadingStatus::error) << r.sensor;
}

TEST(SensorFactory, SimulationFaultsFromConfig) {
  Machine m;
  config::SimulationConfig sim;
  sim.bme680_present = false;
  sim.cpu_zone_present = false;
  sim.dht22_failure_rate = 1.0;
  auto set = make_sensor_drivers({}, {}, {}, sim, HardwareMode::sim, false, m.access);
  const auto readings = read_all(set);
  expect_has(readings[0].error, "checksum");
  expect_has(readings[1].error, "no ACK");
  EXPECT_EQ(readings[2].status, io::ReadingStatus::error);
}

TEST(SensorFactory, SimulatedDriversRunUnderTheSensorPoller) {
  Machine m;
  config::SimulationConfig sim;
  sim.dht22_failure_rate = 0.0;  // the poller reads at wall-clock times: no chance involved
  auto set = make_sensor_drivers({}, {}, {}, sim, HardwareMode::sim, false, m.access);
  io::ProcessImage image;
  io::SensorPoller poller(image);
  poller.start(std::move(set.drivers));  // reads each driver once before returning
  const auto readings = image.snapshot(io::WallClock::now());
  poller.stop();
  ASSERT_EQ(readings.size(), 3u);
  for (const auto& r : readings) {
    EXPECT_EQ(r.status, io::ReadingStatus::ok) << r.sensor << ": " << r.error;
    EXPECT_EQ(r.source, io::ReadingSource::sim);
  }
  EXPECT_GE(image.counters().at("bme680").successes, 1u);
}

TEST(Probe, SaysPlainlyWhenNothingIsThere) {
  Machine m;
  const std::string text = probe_hardware({}, {}, {}, m.access);
  expect_has(text, "GPIO chips");
  expect_has(text, "none found (no GPIO controller");
  expect_has(text, "none found (on a Pi: enable I2C");
  expect_has(text, "dtoverlay=dht11");
  expect_has(text, "dht22: no hardware found, the service would simulate it");
  expect_has(text, "No sensor hardware found on this machine");
}

TEST(Probe, ListsWhatItFindsAndReadsEachSensorOnce) {
  Machine m;
  m.add_dht_iio();
  m.add_zone();
  m.add_bme680(0x77);
  config::Bme680Config bme;
  bme.address = 0x77;
  const std::string text = probe_hardware({}, bme, {}, m.access);
  expect_has(text, "0x76: nothing answers; 0x77: BME680");
  expect_has(text, "iio:device0: dht11@4 (DHT driver)");
  expect_has(text, "thermal_zone0: type cpu-thermal, 47.236 C");
  expect_has(text, "<- used for cpu");
  expect_has(text, "ok via iio, temperature 21.3 C, humidity 45.1 %RH");
  expect_has(text, "ok via i2c, temperature");
  expect_has(text, "ok via sysfs, temperature 47.236 C");
  EXPECT_EQ(text.find("No sensor hardware found"), std::string::npos) << text;
}

}  // namespace
}  // namespace sensorhost::sensors
