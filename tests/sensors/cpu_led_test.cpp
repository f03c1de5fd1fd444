// SoC temperature from thermal zones on a temp folder; LED outputs.
#include <gtest/gtest.h>

#include "sensors/cpu_temperature.hpp"
#include "sensors/factory.hpp"
#include "sensors/leds.hpp"
#include "sensors/test_support.hpp"

namespace sensorhost::sensors {
namespace {

using testing::expect_has;

using testing::TempTree;
const io::WallTime kT0 = io::WallTime(std::chrono::seconds(1'700'000'000));

void add_zone(const TempTree& tree, const std::string& name, const std::string& type, const std::string& temp) {
  tree.write(name + "/type", type + "\n");
  tree.write(name + "/temp", temp + "\n");
}

TEST(ThermalZones, ListedInNaturalOrderAndChosenByType) {
  TempTree tree;
  add_zone(tree, "thermal_zone0", "acpitz", "30000");
  add_zone(tree, "thermal_zone1", "x86_pkg_temp", "47236");
  add_zone(tree, "thermal_zone10", "cpu-thermal", "51000");
  add_zone(tree, "thermal_zone2", "iwlwifi_1", "40000");
  const auto zones = list_thermal_zones(tree.root());
  ASSERT_EQ(zones.size(), 4u);
  EXPECT_EQ(zones[0].name, "thermal_zone0");
  EXPECT_EQ(zones[2].name, "thermal_zone2");
  EXPECT_EQ(zones[3].name, "thermal_zone10");
  EXPECT_EQ(choose_thermal_zone(zones, "auto")->name, "thermal_zone10");  // cpu-thermal beats x86_pkg_temp
  EXPECT_EQ(choose_thermal_zone(zones, "thermal_zone1")->type, "x86_pkg_temp");
  EXPECT_FALSE(choose_thermal_zone(zones, "thermal_zone7"));
  EXPECT_FALSE(choose_thermal_zone({zones[0], zones[2]}, "auto"));  // nothing SoC-like
  EXPECT_TRUE(list_thermal_zones(tree.path("missing")).empty());
}

TEST(ThermalZones, DriverReadsMilliCelsius) {
  TempTree tree;
  add_zone(tree, "thermal_zone0", "cpu-thermal", "47236");
  ThermalZoneDriver driver(*choose_thermal_zone(list_thermal_zones(tree.root()), "auto"));
  const auto r = driver.read(kT0);
  ASSERT_EQ(r.status, io::ReadingStatus::ok) << r.error;
  EXPECT_EQ(r.sensor, "cpu");
  EXPECT_EQ(r.source, io::ReadingSource::sysfs);
  EXPECT_DOUBLE_EQ(r.find("temperature")->value, 47.236);
  EXPECT_EQ(r.find("temperature")->unit, "C");

  tree.write("thermal_zone0/temp", "hot\n");
  const auto bad = driver.read(kT0);
  EXPECT_EQ(bad.status, io::ReadingStatus::error);
  expect_has(bad.error, "thermal_zone0/temp");
  EXPECT_EQ(driver.stats().successes, 1u);
  EXPECT_EQ(driver.stats().failures, 1u);
}

TEST(SimCpu, FromTheEnvironmentOrAbsent) {
  auto env = std::make_shared<const SimEnvironment>(5);
  SimCpuDriver present(env, true), absent(env, false);
  const auto r = present.read(kT0);
  ASSERT_EQ(r.status, io::ReadingStatus::ok);
  EXPECT_EQ(r.source, io::ReadingSource::sim);
  EXPECT_DOUBLE_EQ(r.find("temperature")->value, env->at(kT0).soc_temperature_c);
  EXPECT_EQ(absent.read(kT0).status, io::ReadingStatus::error);
}

TEST(SimLeds, RecordsEveryBulkWrite) {
  SimLedOutput leds(3);
  EXPECT_EQ(leds.count(), 3u);
  std::string error;
  EXPECT_TRUE(leds.write({true, false, true}, error));
  EXPECT_TRUE(leds.write({false, false, true}, error));
  EXPECT_EQ(leds.writes(), 2u);
  EXPECT_EQ(leds.last_levels(), (std::vector<bool>{false, false, true}));
  EXPECT_FALSE(leds.write({true}, error));
  EXPECT_EQ(error, "LED write of 1 levels to a bank of 3 LEDs");
  EXPECT_EQ(leds.writes(), 2u);
  EXPECT_EQ(leds.describe(), "simulated LEDs (3)");
}

TEST(GpiodLeds, MissingChipIsAnErrorNotACrash) {
  auto bank = GpiodLedOutput::open("/nonexistent/gpiochip9", {17, 27, 22}, true);
  ASSERT_FALSE(bank);
  expect_has(bank.error(), "cannot request LED lines 17,27,22 on /nonexistent/gpiochip9");
}

TEST(LedFactory, SimAutoAndReal) {
  TempTree tree;
  HardwareAccess access;
  access.dev_root = tree.root();
  config::LedsConfig leds;
  leds.pins = {17, 27, 22};

  auto sim = make_led_output(leds, config::HardwareMode::sim, false, access);
  ASSERT_TRUE(sim);
  EXPECT_EQ(sim->output->count(), 3u);
  EXPECT_NE(dynamic_cast<SimLedOutput*>(sim->output.get()), nullptr);

  auto forced = make_led_output(leds, config::HardwareMode::real, true, access);
  ASSERT_TRUE(forced);
  expect_has(forced->description, "simulation mode");

  auto fallback = make_led_output(leds, config::HardwareMode::auto_detect, false, access);
  ASSERT_TRUE(fallback);
  expect_has(fallback->description, "gpiochip0 not found");

  auto real = make_led_output(leds, config::HardwareMode::real, false, access);
  ASSERT_FALSE(real);
  expect_has(real.error(), "cannot request LED lines");
}

}  // namespace
}  // namespace sensorhost::sensors
