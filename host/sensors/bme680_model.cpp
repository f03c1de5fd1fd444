#include "sensors/bme680_model.hpp"

#include <cmath>
#include <cstdio>
#include <functional>

namespace sensorhost::sensors {
namespace b = bme680;

namespace {

void put16(std::array<std::uint8_t, 256>& r, std::uint8_t lsb_reg, std::uint16_t v) {
  r[lsb_reg] = static_cast<std::uint8_t>(v & 0xFF);
  r[lsb_reg + 1] = static_cast<std::uint8_t>(v >> 8);
}
std::uint8_t u8(std::int8_t v) { return static_cast<std::uint8_t>(v); }

// The ADC code in [lo, hi] whose value through `f` (monotonic) is nearest to `target`.
std::uint32_t invert(const std::function<double(std::uint32_t)>& f, std::uint32_t lo, std::uint32_t hi, double target) {
  const bool rising = f(hi) >= f(lo);
  auto below = [&](std::uint32_t x) { return rising ? f(x) < target : f(x) > target; };
  std::uint32_t a = lo, z = hi;  // first code not below the target
  while (a < z) {
    const std::uint32_t mid = a + (z - a) / 2;
    if (below(mid)) a = mid + 1; else z = mid;
  }
  if (a > lo && std::fabs(f(a - 1) - target) < std::fabs(f(a) - target)) return a - 1;
  return a;
}

}  // namespace

void store_calibration(const b::Calibration& c, std::array<std::uint8_t, 256>& r) {
  put16(r, 0x8A, static_cast<std::uint16_t>(c.t2));
  r[0x8C] = u8(c.t3);
  put16(r, 0x8E, c.p1);
  put16(r, 0x90, static_cast<std::uint16_t>(c.p2));
  r[0x92] = u8(c.p3);
  put16(r, 0x94, static_cast<std::uint16_t>(c.p4));
  put16(r, 0x96, static_cast<std::uint16_t>(c.p5));
  r[0x98] = u8(c.p7);
  r[0x99] = u8(c.p6);
  put16(r, 0x9C, static_cast<std::uint16_t>(c.p8));
  put16(r, 0x9E, static_cast<std::uint16_t>(c.p9));
  r[0xA0] = c.p10;
  r[0xE1] = static_cast<std::uint8_t>(c.h2 >> 4);
  r[0xE2] = static_cast<std::uint8_t>(((c.h2 & 0x0F) << 4) | (c.h1 & 0x0F));
  r[0xE3] = static_cast<std::uint8_t>(c.h1 >> 4);
  r[0xE4] = u8(c.h3);
  r[0xE5] = u8(c.h4);
  r[0xE6] = u8(c.h5);
  r[0xE7] = c.h6;
  r[0xE8] = u8(c.h7);
  put16(r, 0xE9, c.t1);
  put16(r, 0xEB, static_cast<std::uint16_t>(c.gh2));
  r[0xED] = u8(c.gh1);
  r[0xEE] = u8(c.gh3);
  r[0x00] = u8(c.res_heat_val);
  r[0x02] = static_cast<std::uint8_t>(((c.res_heat_range & 0x03) << 4) | 0xC5);  // other bits: noise
  r[0x04] = static_cast<std::uint8_t>((u8(c.range_sw_err) << 4) | 0x0A);
}

Bme680ChipModel::Bme680ChipModel(const b::Calibration& calibration, Bme680ModelOptions options)
    : calibration_(calibration), options_(std::move(options)) {
  store_calibration(calibration_, regs_);
  regs_[b::kChipIdReg] = options_.chip_id;
  regs_[b::kVariantReg] = options_.variant;
}

void Bme680ChipModel::set_physical(const Bme680Physical& physical) {
  std::lock_guard lock(mutex_);
  physical_ = physical;
}

void Bme680ChipModel::set_present(bool present) {
  std::lock_guard lock(mutex_);
  options_.present = present;
}

std::uint8_t Bme680ChipModel::peek(std::uint8_t reg) const {
  std::lock_guard lock(mutex_);
  return regs_[reg];
}

b::RawData Bme680ChipModel::last_raw() const {
  std::lock_guard lock(mutex_);
  return raw_;
}

unsigned Bme680ChipModel::resets() const {
  std::lock_guard lock(mutex_);
  return resets_;
}

unsigned Bme680ChipModel::measurements() const {
  std::lock_guard lock(mutex_);
  return measurements_;
}

Expected<Ok, std::string> Bme680ChipModel::check(std::uint8_t address) const {
  if (!options_.present || address != options_.address) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "no ACK from 0x%02x on %s", address, options_.bus_name.c_str());
    return unexpected(std::string(buf));
  }
  return Ok{};
}

Expected<Ok, std::string> Bme680ChipModel::write_byte(std::uint8_t address, std::uint8_t reg, std::uint8_t value) {
  std::lock_guard lock(mutex_);
  if (auto ok = check(address); !ok) return ok;
  if (reg == b::kResetReg) {
    if (value == b::kResetCommand) soft_reset();
    return Ok{};
  }
  regs_[reg] = value;
  if (reg == b::kCtrlMeas && (value & 0x03) == b::kModeForced) {
    measure();
    regs_[reg] = static_cast<std::uint8_t>(value & ~0x03);  // back to sleep mode when done
  }
  return Ok{};
}

Expected<Ok, std::string> Bme680ChipModel::read_block(std::uint8_t address, std::uint8_t reg, std::span<std::uint8_t> out) {
  std::lock_guard lock(mutex_);
  if (auto ok = check(address); !ok) return ok;
  if (out.empty() || out.size() > kSmbusBlockMax || reg + out.size() > regs_.size()) {
    return unexpected("block read of " + std::to_string(out.size()) + " bytes at register " + std::to_string(reg) +
                      " is not an SMBus block read");
  }
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = regs_[reg + i];
  if (reg <= b::kDataStart && reg + out.size() > b::kDataStart && busy_left_ > 0) {
    --busy_left_;
    out[b::kDataStart - reg] = b::kMeasuring | b::kGasMeasuring;  // still converting: no new_data yet
  }
  return Ok{};
}

void Bme680ChipModel::soft_reset() {
  ++resets_;
  for (std::uint8_t reg : {b::kCtrlGas0, b::kCtrlGas1, b::kCtrlHum, b::kCtrlMeas, b::kConfig}) regs_[reg] = 0;
  for (int reg = b::kDataStart; reg < b::kDataStart + static_cast<int>(b::kDataLen); ++reg) regs_[reg] = 0;
  regs_[b::kResHeat0] = 0;
  regs_[b::kGasWait0] = 0;
  raw_ = {};
}

void Bme680ChipModel::measure() {
  ++measurements_;
  const std::uint8_t meas = regs_[b::kCtrlMeas];
  const auto& c = calibration_;
  b::RawData raw;
  raw.status = b::kNewData;
  raw.adc_t = (meas >> 5) ? invert([&](std::uint32_t x) { return b::temperature_c(b::t_fine(c, x)); }, 0, 0xFFFFF,
                                   physical_.temperature_c)
                          : b::kSkipped20;
  // P and H compensation depend on the temperature the chip itself will report.
  const double tf = b::t_fine(c, raw.adc_t);
  raw.adc_p = ((meas >> 2) & 0x07)
                  ? invert([&](std::uint32_t x) { return b::pressure_pa(c, tf, x).value_or(0.0); }, 0, 0xFFFFF,
                           physical_.pressure_pa)
                  : b::kSkipped20;
  raw.adc_h = (regs_[b::kCtrlHum] & 0x07)
                  ? static_cast<std::uint16_t>(invert(
                        [&](std::uint32_t x) { return b::humidity_rh(c, tf, static_cast<std::uint16_t>(x)); }, 0,
                        0xFFFF, physical_.humidity_rh))
                  : b::kSkipped16;
  const bool run_gas = (regs_[b::kCtrlGas1] & b::kRunGas) && !(regs_[b::kCtrlGas0] & 0x08);
  if (run_gas) {
    // The lowest range whose 10-bit code still fits gives the finest resolution.
    for (std::uint8_t r = 0; r < 16; ++r) {
      const double var1 = (1340.0 + 5.0 * c.range_sw_err) * b::gas_const1(r);
      const double code = std::round(var1 * b::gas_const2(r) / physical_.gas_resistance_ohm + 512.0 - var1);
      if (code >= 0.0 && code <= 1023.0) {
        raw.adc_gas = static_cast<std::uint16_t>(code);
        raw.gas_range = r;
        break;
      }
    }
    raw.gas_valid = true;
    raw.heat_stable = regs_[b::kResHeat0] != 0 && b::gas_wait_ms(regs_[b::kGasWait0]) >= options_.heat_stable_min_ms;
  }
  store_raw(raw);
  busy_left_ = options_.busy_polls;
}

void Bme680ChipModel::store_raw(const b::RawData& raw) {
  raw_ = raw;
  auto put20 = [&](std::uint8_t reg, std::uint32_t v) {
    regs_[reg] = static_cast<std::uint8_t>(v >> 12);
    regs_[reg + 1] = static_cast<std::uint8_t>(v >> 4);
    regs_[reg + 2] = static_cast<std::uint8_t>((v & 0x0F) << 4);
  };
  regs_[0x1D] = raw.status;
  put20(0x1F, raw.adc_p);
  put20(0x22, raw.adc_t);
  regs_[0x25] = static_cast<std::uint8_t>(raw.adc_h >> 8);
  regs_[0x26] = static_cast<std::uint8_t>(raw.adc_h);
  regs_[0x2A] = static_cast<std::uint8_t>(raw.adc_gas >> 2);
  regs_[0x2B] = static_cast<std::uint8_t>(((raw.adc_gas & 0x03) << 6) | (raw.gas_valid ? b::kGasValid : 0) |
                                          (raw.heat_stable ? b::kHeatStable : 0) | raw.gas_range);
}

}  // namespace sensorhost::sensors

namespace sensorhost::sensors {
bme680::Calibration typical_bme680_calibration() {
  bme680::Calibration c;
  c.t1 = 26041; c.t2 = 26155; c.t3 = 3;
  c.p1 = 36478; c.p2 = -10424; c.p3 = 88; c.p4 = 6922; c.p5 = -104; c.p6 = 30; c.p7 = 36; c.p8 = -3113;
  c.p9 = -2496; c.p10 = 30;
  c.h1 = 788; c.h2 = 1013; c.h3 = 0; c.h4 = 45; c.h5 = 20; c.h6 = 120; c.h7 = -100;
  c.gh1 = -28; c.gh2 = -10497; c.gh3 = 18;
  c.res_heat_range = 1; c.res_heat_val = 38; c.range_sw_err = -1;
  return c;
}
}  // namespace sensorhost::sensors
