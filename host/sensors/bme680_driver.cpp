#include "sensors/bme680_driver.hpp"

#include <cstdio>
#include <thread>

namespace sensorhost::sensors {
namespace b = bme680;

namespace {
std::string hex(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", v);
  return buf;
}
}  // namespace

Sleeper real_sleeper() {
  return [](std::chrono::microseconds d) { std::this_thread::sleep_for(d); };
}

Bme680Driver::Bme680Driver(I2cOpener open_bus, Bme680Settings settings, Sleeper sleep, io::ReadingSource source)
    : open_bus_(std::move(open_bus)), settings_(settings), sleep_(std::move(sleep)), source_(source) {}

std::string Bme680Driver::describe() const {
  return "BME680 at " + hex(settings_.address) + (bus_ ? " on " + bus_->describe() : std::string());
}

Expected<Ok, std::string> Bme680Driver::write(std::uint8_t reg, std::uint8_t value) {
  return bus_->write_byte(settings_.address, reg, value);
}

Expected<Ok, std::string> Bme680Driver::read(std::uint8_t reg, std::span<std::uint8_t> out) {
  return bus_->read_block(settings_.address, reg, out);
}

Expected<Ok, std::string> Bme680Driver::identify_and_calibrate() {
  std::uint8_t id = 0, variant = 0;
  if (auto r = read(b::kChipIdReg, {&id, 1}); !r) return unexpected("no BME680 found: " + r.error());
  if (id != b::kChipId) {
    return unexpected("wrong chip id " + hex(id) + " at " + hex(settings_.address) + " (a BME680 answers " +
                      hex(b::kChipId) + "; 0x58 is a BMP280, 0x60 a BME280)");
  }
  if (auto r = read(b::kVariantReg, {&variant, 1}); !r) return r;
  if (variant != b::kVariantBme680) {
    return unexpected("chip variant " + hex(variant) + (variant == b::kVariantBme688 ? " (BME688)" : "") +
                      " is not supported; this driver handles the BME680 (variant 0x00)");
  }
  if (auto r = write(b::kResetReg, b::kResetCommand); !r) return r;
  sleep_(std::chrono::milliseconds(10));
  std::array<std::uint8_t, b::kCalib1Len> c1{};
  std::array<std::uint8_t, b::kCalib2Len> c2{};
  std::array<std::uint8_t, b::kCalib3Len> c3{};
  for (auto [reg, block] : {std::pair{b::kCalib1Start, std::span<std::uint8_t>(c1)},
                            std::pair{b::kCalib2Start, std::span<std::uint8_t>(c2)},
                            std::pair{b::kCalib3Start, std::span<std::uint8_t>(c3)}}) {
    if (auto r = read(reg, block); !r) return unexpected("reading calibration: " + r.error());
  }
  calibration_ = b::parse_calibration(c1, c2, c3);
  return Ok{};
}

Expected<Bme680Measurement, std::string> Bme680Driver::measure() {
  const auto& c = *calibration_;
  const auto& s = settings_;
  const double ambient = last_ ? last_->temperature_c : 25.0;
  const auto meas = static_cast<std::uint8_t>((s.osrs_t << 5) | (s.osrs_p << 2));
  // Settings are only taken in sleep mode; ctrl_hum must precede ctrl_meas.
  const std::pair<std::uint8_t, std::uint8_t> sequence[] = {
      {b::kCtrlMeas, meas},
      {b::kResHeat0, b::res_heat_code(c, s.heater_temperature_c, ambient)},
      {b::kGasWait0, b::gas_wait_code(static_cast<unsigned>(s.heater_duration_ms))},
      {b::kCtrlGas0, 0x00},        // heater on
      {b::kCtrlGas1, b::kRunGas},  // nb_conv 0
      {b::kCtrlHum, s.osrs_h},
      {b::kConfig, static_cast<std::uint8_t>(s.filter << 2)},
      {b::kCtrlMeas, static_cast<std::uint8_t>(meas | b::kModeForced)},
  };
  for (auto [reg, value] : sequence) {
    if (auto r = write(reg, value); !r) return unexpected(r.error());
  }
  sleep_(std::chrono::microseconds(b::tph_duration_us(s.osrs_t, s.osrs_p, s.osrs_h)) +
         std::chrono::milliseconds(s.heater_duration_ms));

  std::array<std::uint8_t, b::kDataLen> data{};
  b::RawData raw;
  for (unsigned poll = 0; poll < s.data_polls; ++poll) {
    if (poll > 0) sleep_(std::chrono::milliseconds(10));
    if (auto r = read(b::kDataStart, data); !r) return unexpected(r.error());
    raw = b::parse_data(data);
    if (raw.new_data()) break;
  }
  if (!raw.new_data()) return unexpected("no new data after " + std::to_string(s.data_polls) + " status polls");
  if (raw.adc_t == b::kSkipped20) return unexpected(std::string("temperature conversion was skipped"));

  Bme680Measurement m;
  m.raw = raw;
  const double tf = b::t_fine(c, raw.adc_t);
  m.temperature_c = b::temperature_c(tf);
  if (raw.adc_p != b::kSkipped20) m.pressure_pa = b::pressure_pa(c, tf, raw.adc_p);
  if (raw.adc_h != b::kSkipped16) m.humidity_rh = b::humidity_rh(c, tf, raw.adc_h);
  m.gas_valid = raw.gas_valid;
  m.heat_stable = raw.heat_stable;
  if (raw.gas_valid) m.gas_ohm = b::gas_ohm(c, raw.adc_gas, raw.gas_range);
  return m;
}

io::SensorReading Bme680Driver::fail(io::WallTime now, std::string why) {
  // Start over next time: reopen the bus (an adapter can go away) and identify the chip.
  calibration_.reset();
  bus_.reset();
  auto reading = io::error_reading(name_, source_, now, std::move(why));
  counters_.record(reading);
  return reading;
}

io::SensorReading Bme680Driver::read(io::WallTime now) {
  if (!bus_) {
    auto bus = open_bus_();
    if (!bus) return fail(now, bus.error());
    bus_ = std::move(*bus);
  }
  if (!calibration_) {
    if (auto r = identify_and_calibrate(); !r) return fail(now, r.error());
  }
  auto m = measure();
  if (!m) return fail(now, "BME680 at " + hex(settings_.address) + ": " + m.error());
  last_ = *m;
  auto reading = bme680_reading(name_, source_, now, *m);
  counters_.record(reading);
  return reading;
}

io::SensorReading bme680_reading(const std::string& sensor, io::ReadingSource source, io::WallTime now,
                                 const Bme680Measurement& m) {
  std::vector<io::Measurement> values{{"temperature", m.temperature_c, "C"}};
  if (m.humidity_rh) values.push_back({"humidity", *m.humidity_rh, "%RH"});
  if (m.pressure_pa) values.push_back({"pressure", *m.pressure_pa / 100.0, "hPa"});
  if (m.gas_ohm) values.push_back({"gas_resistance", *m.gas_ohm, "ohm"});
  // The IAQ approximation only trusts gas values taken with a stable heater.
  values.push_back({"heat_stable", m.heat_stable ? 1.0 : 0.0, "bool"});
  return io::ok_reading(sensor, source, now, std::move(values));
}

}  // namespace sensorhost::sensors
