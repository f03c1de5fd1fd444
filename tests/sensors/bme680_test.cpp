// The real BME680 driver against the register-level chip model, checked against
// independent reference values from the datasheet formulas for several calibration sets;
// fault handling (no ACK, wrong chip id, missing bus, a slow chip).
#include <gtest/gtest.h>

#include "sensors/bme680_driver.hpp"
#include "sensors/bme680_model.hpp"
#include "sensors/bme680_reference.hpp"
#include "sensors/sim_drivers.hpp"
#include "sensors/test_support.hpp"

namespace sensorhost::sensors {
namespace {

using testing::expect_has;

using namespace std::chrono_literals;
namespace b = bme680;

const io::WallTime kT0 = io::WallTime(std::chrono::seconds(1'700'000'000));

b::Calibration set_b() {
  b::Calibration c;
  c.t1 = 25500; c.t2 = 26800; c.t3 = -3;
  c.p1 = 37000; c.p2 = -10200; c.p3 = 90; c.p4 = 5000; c.p5 = -50; c.p6 = 28; c.p7 = 40; c.p8 = -2000;
  c.p9 = -3000; c.p10 = 28;
  c.h1 = 760; c.h2 = 1040; c.h3 = 0; c.h4 = 40; c.h5 = -10; c.h6 = 110; c.h7 = -80;
  c.gh1 = -40; c.gh2 = -9000; c.gh3 = 20;
  c.res_heat_range = 2; c.res_heat_val = 20; c.range_sw_err = 2;
  return c;
}

b::Calibration set_c() {
  b::Calibration c;
  c.t1 = 26500; c.t2 = 25800; c.t3 = 5;
  c.p1 = 35800; c.p2 = -10600; c.p3 = 85; c.p4 = 8000; c.p5 = -150; c.p6 = 32; c.p7 = 30; c.p8 = -4000;
  c.p9 = -2000; c.p10 = 32;
  c.h1 = 820; c.h2 = 990; c.h3 = 2; c.h4 = 50; c.h5 = 30; c.h6 = 127; c.h7 = -120;
  c.gh1 = -20; c.gh2 = -11000; c.gh3 = 15;
  c.res_heat_range = 0; c.res_heat_val = -20; c.range_sw_err = -3;
  return c;
}

struct Rig {
  std::shared_ptr<Bme680ChipModel> model;
  std::vector<std::chrono::microseconds> sleeps;
  std::unique_ptr<Bme680Driver> driver;
};

std::unique_ptr<Rig> make_rig(const b::Calibration& calibration, Bme680ModelOptions model_options = {},
                              Bme680Settings settings = {}) {
  auto rig = std::make_unique<Rig>();
  rig->model = std::make_shared<Bme680ChipModel>(calibration, model_options);
  auto opener = [model = rig->model]() -> Expected<I2cBusPtr, std::string> {
    return I2cBusPtr(std::make_unique<SharedI2cBus>(model));
  };
  rig->driver = std::make_unique<Bme680Driver>(
      opener, settings, [r = rig.get()](std::chrono::microseconds d) { r->sleeps.push_back(d); });
  return rig;
}

testing::Reference reference_for(const Bme680ChipModel& model) {
  const auto raw = model.last_raw();
  return testing::bme680_reference([&](int reg) { return model.peek(static_cast<std::uint8_t>(reg)); }, raw.adc_t,
                                   raw.adc_p, raw.adc_h, raw.adc_gas, raw.gas_range);
}

class Bme680Calibrations : public ::testing::TestWithParam<b::Calibration> {};

TEST_P(Bme680Calibrations, CalibrationRegistersRoundTrip) {
  std::array<std::uint8_t, 256> regs{};
  store_calibration(GetParam(), regs);
  auto block = [&](std::size_t start) { return regs.data() + start; };
  const auto parsed = b::parse_calibration(std::span<const std::uint8_t, b::kCalib1Len>(block(0x8A), b::kCalib1Len),
                                           std::span<const std::uint8_t, b::kCalib2Len>(block(0xE1), b::kCalib2Len),
                                           std::span<const std::uint8_t, b::kCalib3Len>(block(0x00), b::kCalib3Len));
  EXPECT_EQ(parsed, GetParam());
}

TEST_P(Bme680Calibrations, DriverMatchesReferenceAndChosenValues) {
  const Bme680Physical points[] = {
      {25.0, 101325.0, 45.0, 120000.0}, {-10.0, 95000.0, 20.0, 30000.0}, {40.0, 105000.0, 80.0, 500000.0},
      {0.5, 80000.0, 5.0, 5000.0},      {60.0, 110000.0, 95.0, 2.0e6},
  };
  auto rig = make_rig(GetParam());
  for (const auto& p : points) {
    SCOPED_TRACE(p.temperature_c);
    rig->model->set_physical(p);
    const auto reading = rig->driver->read(kT0);
    ASSERT_EQ(reading.status, io::ReadingStatus::ok) << reading.error;
    const auto& m = *rig->driver->last_measurement();
    const auto ref = reference_for(*rig->model);
    // Driver vs the independent datasheet formulas on the same raw codes.
    EXPECT_NEAR(m.temperature_c, ref.temperature, 0.01);
    EXPECT_NEAR(*m.pressure_pa, ref.pressure, 1.0);
    EXPECT_NEAR(*m.humidity_rh, ref.humidity, 0.01);
    EXPECT_NEAR(*m.gas_ohm, ref.gas, ref.gas * 0.001);
    // And vs the physical values the model was asked to produce (ADC quantization only).
    EXPECT_NEAR(m.temperature_c, p.temperature_c, 0.01);
    EXPECT_NEAR(*m.pressure_pa, p.pressure_pa, 1.0);
    EXPECT_NEAR(*m.humidity_rh, p.humidity_rh, 0.01);
    EXPECT_NEAR(*m.gas_ohm, p.gas_resistance_ohm, p.gas_resistance_ohm * 0.001);
    // The reading carries them with units.
    EXPECT_EQ(reading.source, io::ReadingSource::i2c);
    EXPECT_NEAR(reading.find("pressure")->value, p.pressure_pa / 100.0, 0.01);
    EXPECT_EQ(reading.find("pressure")->unit, "hPa");
    EXPECT_EQ(reading.find("gas_resistance")->unit, "ohm");
    EXPECT_EQ(reading.find("humidity")->unit, "%RH");
  }
}

TEST_P(Bme680Calibrations, HeaterProfileRegisters) {
  Bme680Settings s;
  s.heater_temperature_c = 320;
  s.heater_duration_ms = 150;
  auto rig = make_rig(GetParam(), {}, s);
  rig->model->set_physical({23.0, 100000.0, 40.0, 100000.0});
  ASSERT_EQ(rig->driver->read(kT0).status, io::ReadingStatus::ok);
  auto reg = [&](int r) { return rig->model->peek(static_cast<std::uint8_t>(r)); };
  // First read: ambient assumed 25 C.
  EXPECT_EQ(reg(b::kResHeat0), testing::reference_res_heat(reg, 320.0, 25.0));
  ASSERT_EQ(rig->driver->read(kT0 + 3s).status, io::ReadingStatus::ok);
  // Later reads use the last measured temperature as ambient.
  EXPECT_EQ(reg(b::kResHeat0), testing::reference_res_heat(reg, 320.0, rig->driver->last_measurement()->temperature_c));
  EXPECT_EQ(reg(b::kGasWait0), 0x65);  // 150 ms = 37 * 4^1
  EXPECT_EQ(reg(b::kCtrlGas1), 0x10);  // run_gas, heater profile 0
  EXPECT_EQ(reg(b::kCtrlHum), 2);      // humidity x2
  EXPECT_EQ(reg(b::kCtrlMeas), (4 << 5) | (3 << 2));  // T x8, P x4, back in sleep mode
}

INSTANTIATE_TEST_SUITE_P(Sets, Bme680Calibrations,
                         ::testing::Values(typical_bme680_calibration(), set_b(), set_c()));

TEST(Bme680Encodings, GasWait) {
  EXPECT_EQ(b::gas_wait_code(1), 0x01);
  EXPECT_EQ(b::gas_wait_code(63), 0x3F);
  EXPECT_EQ(b::gas_wait_code(64), 0x50);   // 16 * 4
  EXPECT_EQ(b::gas_wait_code(100), 0x59);  // 25 * 4
  EXPECT_EQ(b::gas_wait_code(150), 0x65);
  EXPECT_EQ(b::gas_wait_code(4031), 0xFE);  // 62 * 64 (rounded down)
  EXPECT_EQ(b::gas_wait_code(0xFC0), 0xFF);
  EXPECT_EQ(b::gas_wait_ms(0x65), 148u);
}

TEST(Bme680Encodings, MeasurementDuration) {
  // (8 + 4 + 2) cycles * 1963 us + 477 * 9 us + 1 ms
  EXPECT_EQ(b::tph_duration_us(4, 3, 2), 14u * 1963u + 4293u + 1000u);
  EXPECT_EQ(b::tph_duration_us(0, 0, 0), 5293u);
}

TEST(Bme680Driver, WaitsForResetAndTheWholeMeasurement) {
  auto rig = make_rig(typical_bme680_calibration());
  ASSERT_EQ(rig->driver->read(kT0).status, io::ReadingStatus::ok);
  ASSERT_EQ(rig->sleeps.size(), 2u);
  EXPECT_EQ(rig->sleeps[0], 10ms);  // soft reset
  EXPECT_EQ(rig->sleeps[1], std::chrono::microseconds(b::tph_duration_us(4, 3, 2)) + 150ms);
  EXPECT_EQ(rig->model->resets(), 1u);
  rig->driver->read(kT0 + 3s);
  EXPECT_EQ(rig->model->resets(), 1u);  // calibration kept between reads
  EXPECT_EQ(rig->model->measurements(), 2u);
}

TEST(Bme680Driver, PollsWhileTheChipIsBusy) {
  Bme680ModelOptions o;
  o.busy_polls = 3;
  auto rig = make_rig(typical_bme680_calibration(), o);
  EXPECT_EQ(rig->driver->read(kT0).status, io::ReadingStatus::ok);
  EXPECT_EQ(std::count(rig->sleeps.begin(), rig->sleeps.end(), 10ms), 1 + 3);  // reset + 3 polls

  o.busy_polls = 10;
  auto slow = make_rig(typical_bme680_calibration(), o);
  const auto r = slow->driver->read(kT0);
  EXPECT_EQ(r.status, io::ReadingStatus::error);
  expect_has(r.error, "no new data after 5 status polls");
}

TEST(Bme680Driver, GasFlags) {
  Bme680ModelOptions o;
  o.heat_stable_min_ms = 200;  // the configured 150 ms is too short for this heater
  auto rig = make_rig(typical_bme680_calibration(), o);
  const auto r = rig->driver->read(kT0);
  ASSERT_EQ(r.status, io::ReadingStatus::ok);
  EXPECT_TRUE(rig->driver->last_measurement()->gas_valid);
  EXPECT_FALSE(rig->driver->last_measurement()->heat_stable);
  EXPECT_EQ(r.find("heat_stable")->value, 0.0);
  ASSERT_NE(r.find("gas_resistance"), nullptr);

  auto stable = make_rig(typical_bme680_calibration());
  EXPECT_EQ(stable->driver->read(kT0).find("heat_stable")->value, 1.0);
}

TEST(Bme680Driver, SkippedHumidityIsLeftOut) {
  Bme680Settings s;
  s.osrs_h = 0;
  auto rig = make_rig(typical_bme680_calibration(), {}, s);
  const auto r = rig->driver->read(kT0);
  ASSERT_EQ(r.status, io::ReadingStatus::ok);
  EXPECT_EQ(rig->model->last_raw().adc_h, b::kSkipped16);
  EXPECT_EQ(r.find("humidity"), nullptr);
  EXPECT_NE(r.find("temperature"), nullptr);
}

TEST(Bme680Faults, NoAckIsAnErrorReadingAndRecovers) {
  Bme680ModelOptions o;
  o.present = false;
  auto rig = make_rig(typical_bme680_calibration(), o);
  const auto r = rig->driver->read(kT0);
  EXPECT_EQ(r.status, io::ReadingStatus::error);
  EXPECT_EQ(r.sensor, "bme680");
  expect_has(r.error, "no ACK from 0x76");
  rig->model->set_present(true);  // wiring fixed: the next read identifies and calibrates
  EXPECT_EQ(rig->driver->read(kT0 + 3s).status, io::ReadingStatus::ok);
  EXPECT_EQ(rig->driver->stats().failures, 1u);
  EXPECT_EQ(rig->driver->stats().successes, 1u);
}

TEST(Bme680Faults, ChipGoneMidwayStartsOverFromIdentification) {
  auto rig = make_rig(typical_bme680_calibration());
  ASSERT_EQ(rig->driver->read(kT0).status, io::ReadingStatus::ok);
  rig->model->set_present(false);
  EXPECT_EQ(rig->driver->read(kT0 + 3s).status, io::ReadingStatus::error);
  rig->model->set_present(true);
  EXPECT_EQ(rig->driver->read(kT0 + 6s).status, io::ReadingStatus::ok);
  EXPECT_EQ(rig->model->resets(), 2u);
}

TEST(Bme680Faults, WrongAddress) {
  Bme680ModelOptions o;
  o.address = 0x77;
  auto rig = make_rig(typical_bme680_calibration(), o);  // driver talks to 0x76
  expect_has(rig->driver->read(kT0).error, "no ACK from 0x76");
}

TEST(Bme680Faults, WrongChipId) {
  Bme680ModelOptions o;
  o.chip_id = 0x60;  // a BME280
  auto rig = make_rig(typical_bme680_calibration(), o);
  const auto r = rig->driver->read(kT0);
  EXPECT_EQ(r.status, io::ReadingStatus::error);
  expect_has(r.error, "wrong chip id 0x60");
  EXPECT_EQ(rig->model->resets(), 0u);  // never writes to a chip it does not know
}

TEST(Bme680Faults, UnsupportedVariant) {
  Bme680ModelOptions o;
  o.variant = b::kVariantBme688;
  auto rig = make_rig(typical_bme680_calibration(), o);
  expect_has(rig->driver->read(kT0).error, "BME688");
}

TEST(Bme680Faults, MissingBus) {
  int opens = 0;
  Bme680Driver driver(
      [&]() -> Expected<I2cBusPtr, std::string> {
        ++opens;
        return unexpected(std::string("cannot open I2C bus /dev/i2c-1: No such file or directory"));
      },
      {}, [](std::chrono::microseconds) {});
  for (int i = 0; i < 3; ++i) {
    const auto r = driver.read(kT0 + std::chrono::seconds(3 * i));
    EXPECT_EQ(r.status, io::ReadingStatus::error);
    EXPECT_EQ(r.error, "cannot open I2C bus /dev/i2c-1: No such file or directory");
  }
  EXPECT_EQ(opens, 3);  // tried again each time: the bus may appear later
}

TEST(Bme680Faults, RealBusThatDoesNotExist) {
  auto bus = LinuxI2cBus::open("/nonexistent/i2c-9");
  ASSERT_FALSE(bus);
  expect_has(bus.error(), "cannot open I2C bus /nonexistent/i2c-9");
  Bme680Driver driver(linux_i2c_opener("/nonexistent/i2c-9"), {}, [](std::chrono::microseconds) {});
  EXPECT_EQ(driver.read(kT0).status, io::ReadingStatus::error);
}

TEST(Bme680Model, RefusesBlockReadsOverSmbusLimit) {
  Bme680ChipModel model(typical_bme680_calibration());
  std::array<std::uint8_t, 33> big{};
  EXPECT_FALSE(model.read_block(0x76, 0x80, big));
  EXPECT_TRUE(model.read_block(0x76, 0x80, std::span(big).first(32)));
}

TEST(SimBme680, DeterministicAndFollowsTheEnvironment) {
  auto env = std::make_shared<const SimEnvironment>(11);
  config::Bme680Config config;
  SimBme680Driver a(env, bme680_settings(config, 3s), true), b2(env, bme680_settings(config, 3s), true);
  for (int i = 0; i < 20; ++i) {
    const auto t = kT0 + std::chrono::seconds(3 * i);
    const auto ra = a.read(t), rb = b2.read(t);
    ASSERT_EQ(ra.status, io::ReadingStatus::ok) << ra.error;
    EXPECT_EQ(ra.source, io::ReadingSource::sim);
    EXPECT_EQ(ra.find("temperature")->value, rb.find("temperature")->value);
    EXPECT_NEAR(ra.find("temperature")->value, env->at(t).temperature_c, 0.01);
    EXPECT_NEAR(ra.find("pressure")->value * 100.0, env->at(t).pressure_pa, 1.0);
    EXPECT_NEAR(ra.find("gas_resistance")->value, env->at(t).gas_resistance_ohm, env->at(t).gas_resistance_ohm * 0.001);
  }
  SimBme680Driver absent(env, bme680_settings(config, 3s), false);
  expect_has(absent.read(kT0).error, "no ACK");
}

}  // namespace
}  // namespace sensorhost::sensors
