#include "sensors/bme680_compensation.hpp"

#include <algorithm>

namespace sensorhost::sensors::bme680 {
namespace {

template <class T, std::size_t N>
T le16(std::span<const std::uint8_t, N> b, std::size_t lsb) {
  return static_cast<T>(static_cast<std::uint16_t>(b[lsb] | (b[lsb + 1] << 8)));
}
template <std::size_t N>
std::int8_t s8(std::span<const std::uint8_t, N> b, std::size_t i) {
  return static_cast<std::int8_t>(b[i]);
}

constexpr std::array<double, 16> kGasConst1 = {1, 1, 1, 1, 1, 0.99, 1, 0.992, 1, 1, 0.998, 0.995, 1, 0.99, 1, 1};
constexpr std::array<double, 16> kGasConst2 = {8e6, 4e6, 2e6, 1e6, 499500.4995, 248262.1648, 125000, 63004.03226,
                                               31281.28128, 15625, 7812.5, 3906.25, 1953.125, 976.5625, 488.28125,
                                               244.140625};

}  // namespace

Calibration parse_calibration(std::span<const std::uint8_t, kCalib1Len> b1,
                              std::span<const std::uint8_t, kCalib2Len> b2,
                              std::span<const std::uint8_t, kCalib3Len> b3) {
  // Offsets are register address minus the block's start (0x8A, 0xE1, 0x00).
  Calibration c;
  c.t2 = le16<std::int16_t>(b1, 0x8A - 0x8A);
  c.t3 = s8(b1, 0x8C - 0x8A);
  c.p1 = le16<std::uint16_t>(b1, 0x8E - 0x8A);
  c.p2 = le16<std::int16_t>(b1, 0x90 - 0x8A);
  c.p3 = s8(b1, 0x92 - 0x8A);
  c.p4 = le16<std::int16_t>(b1, 0x94 - 0x8A);
  c.p5 = le16<std::int16_t>(b1, 0x96 - 0x8A);
  c.p7 = s8(b1, 0x98 - 0x8A);
  c.p6 = s8(b1, 0x99 - 0x8A);
  c.p8 = le16<std::int16_t>(b1, 0x9C - 0x8A);
  c.p9 = le16<std::int16_t>(b1, 0x9E - 0x8A);
  c.p10 = b1[0xA0 - 0x8A];

  c.h2 = static_cast<std::uint16_t>((b2[0xE1 - 0xE1] << 4) | (b2[0xE2 - 0xE1] >> 4));
  c.h1 = static_cast<std::uint16_t>((b2[0xE3 - 0xE1] << 4) | (b2[0xE2 - 0xE1] & 0x0F));
  c.h3 = s8(b2, 0xE4 - 0xE1);
  c.h4 = s8(b2, 0xE5 - 0xE1);
  c.h5 = s8(b2, 0xE6 - 0xE1);
  c.h6 = b2[0xE7 - 0xE1];
  c.h7 = s8(b2, 0xE8 - 0xE1);
  c.t1 = le16<std::uint16_t>(b2, 0xE9 - 0xE1);
  c.gh2 = le16<std::int16_t>(b2, 0xEB - 0xE1);
  c.gh1 = s8(b2, 0xED - 0xE1);
  c.gh3 = s8(b2, 0xEE - 0xE1);

  c.res_heat_val = s8(b3, 0x00);
  c.res_heat_range = static_cast<std::uint8_t>((b3[0x02] & 0x30) >> 4);
  c.range_sw_err = static_cast<std::int8_t>(static_cast<std::int8_t>(b3[0x04] & 0xF0) / 16);
  return c;
}

RawData parse_data(std::span<const std::uint8_t, kDataLen> b) {
  auto at = [&](std::uint8_t reg) -> std::uint32_t { return b[reg - kDataStart]; };
  RawData r;
  r.status = static_cast<std::uint8_t>(at(0x1D));
  r.adc_p = (at(0x1F) << 12) | (at(0x20) << 4) | (at(0x21) >> 4);
  r.adc_t = (at(0x22) << 12) | (at(0x23) << 4) | (at(0x24) >> 4);
  r.adc_h = static_cast<std::uint16_t>((at(0x25) << 8) | at(0x26));
  r.adc_gas = static_cast<std::uint16_t>((at(0x2A) << 2) | (at(0x2B) >> 6));
  r.gas_valid = at(0x2B) & kGasValid;
  r.heat_stable = at(0x2B) & kHeatStable;
  r.gas_range = static_cast<std::uint8_t>(at(0x2B) & 0x0F);
  return r;
}

double t_fine(const Calibration& c, std::uint32_t adc_t) {
  const double var1 = (adc_t / 16384.0 - c.t1 / 1024.0) * c.t2;
  const double d = adc_t / 131072.0 - c.t1 / 8192.0;
  const double var2 = d * d * c.t3 * 16.0;
  return var1 + var2;
}

std::optional<double> pressure_pa(const Calibration& c, double t_fine, std::uint32_t adc_p) {
  double v1 = t_fine / 2.0 - 64000.0;
  double v2 = v1 * v1 * c.p6 / 131072.0 + v1 * c.p5 * 2.0;
  v2 = v2 / 4.0 + c.p4 * 65536.0;
  v1 = (c.p3 * v1 * v1 / 16384.0 + c.p2 * v1) / 524288.0;
  v1 = (1.0 + v1 / 32768.0) * c.p1;
  if (v1 == 0.0) return std::nullopt;
  double p = ((1048576.0 - adc_p) - v2 / 4096.0) * 6250.0 / v1;
  const double p256 = p / 256.0;
  p += (c.p9 * p * p / 2147483648.0 + p * c.p8 / 32768.0 + p256 * p256 * p256 * c.p10 / 131072.0 + c.p7 * 128.0) / 16.0;
  return p;
}

double humidity_rh(const Calibration& c, double t_fine, std::uint16_t adc_h) {
  const double tc = t_fine / 5120.0;
  const double v1 = adc_h - (c.h1 * 16.0 + c.h3 / 2.0 * tc);
  const double v2 = v1 * (c.h2 / 262144.0 * (1.0 + c.h4 / 16384.0 * tc + c.h5 / 1048576.0 * tc * tc));
  const double h = v2 + (c.h6 / 16384.0 + c.h7 / 2097152.0 * tc) * v2 * v2;
  return std::clamp(h, 0.0, 100.0);
}

double gas_const1(std::uint8_t range) { return kGasConst1[range & 0x0F]; }
double gas_const2(std::uint8_t range) { return kGasConst2[range & 0x0F]; }

double gas_ohm(const Calibration& c, std::uint16_t adc_gas, std::uint8_t range) {
  const double var1 = (1340.0 + 5.0 * c.range_sw_err) * gas_const1(range);
  return var1 * gas_const2(range) / (adc_gas - 512.0 + var1);
}

std::uint8_t res_heat_code(const Calibration& c, double target_c, double ambient_c) {
  target_c = std::min(target_c, 400.0);
  const double v1 = c.gh1 / 16.0 + 49.0;
  const double v2 = c.gh2 / 32768.0 * 0.0005 + 0.00235;
  const double v3 = c.gh3 / 1024.0;
  const double v4 = v1 * (1.0 + v2 * target_c);
  const double v5 = v4 + v3 * ambient_c;
  const double code = 3.4 * (v5 * 4.0 / (4.0 + c.res_heat_range) / (1.0 + c.res_heat_val * 0.002) - 25.0);
  return static_cast<std::uint8_t>(std::clamp(code, 0.0, 255.0));
}

std::uint8_t gas_wait_code(unsigned ms) {
  if (ms >= 0xFC0) return 0xFF;
  unsigned factor = 0;
  while (ms > 0x3F) {
    ms /= 4;
    ++factor;
  }
  return static_cast<std::uint8_t>(ms + factor * 64);
}

unsigned gas_wait_ms(std::uint8_t code) { return (code & 0x3Fu) << (2 * (code >> 6)); }

unsigned tph_duration_us(std::uint8_t osrs_t, std::uint8_t osrs_p, std::uint8_t osrs_h) {
  constexpr std::array<unsigned, 6> kCycles = {0, 1, 2, 4, 8, 16};
  auto cycles = [&](std::uint8_t code) { return kCycles[std::min<std::size_t>(code, 5)]; };
  return (cycles(osrs_t) + cycles(osrs_p) + cycles(osrs_h)) * 1963u + 477u * 9u + 1000u;
}

}  // namespace sensorhost::sensors::bme680
