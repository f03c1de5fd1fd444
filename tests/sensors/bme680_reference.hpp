#pragma once
// Independent reference for the BME680 tests: calibration read straight from a register
// map by address and the datasheet's float formulas, written separately from the
// driver's code so the two can disagree.
#include <cmath>
#include <cstdint>
#include <functional>

namespace sensorhost::sensors::testing {

struct Reference {
  double temperature, pressure, humidity, gas;
};

// `reg(address)` returns a register of the chip; raw values are the ADC codes.
inline Reference bme680_reference(const std::function<std::uint8_t(int)>& reg, std::uint32_t adc_t,
                                  std::uint32_t adc_p, std::uint32_t adc_h, std::uint32_t adc_gas, int gas_range) {
  auto u16 = [&](int lsb) { return static_cast<double>(reg(lsb) + 256 * reg(lsb + 1)); };
  auto s16 = [&](int lsb) { double v = u16(lsb); return v >= 32768 ? v - 65536 : v; };
  auto s8 = [&](int a) { double v = reg(a); return v >= 128 ? v - 256 : v; };
  const double T1 = u16(0xE9), T2 = s16(0x8A), T3 = s8(0x8C);
  const double P1 = u16(0x8E), P2 = s16(0x90), P3 = s8(0x92), P4 = s16(0x94), P5 = s16(0x96), P6 = s8(0x99),
               P7 = s8(0x98), P8 = s16(0x9C), P9 = s16(0x9E), P10 = reg(0xA0);
  const double H1 = reg(0xE3) * 16.0 + (reg(0xE2) % 16), H2 = reg(0xE1) * 16.0 + std::floor(reg(0xE2) / 16.0),
               H3 = s8(0xE4), H4 = s8(0xE5), H5 = s8(0xE6), H6 = reg(0xE7), H7 = s8(0xE8);
  const double sw_err_nibble = std::floor(reg(0x04) / 16.0);
  const double range_sw_err = sw_err_nibble >= 8 ? sw_err_nibble - 16 : sw_err_nibble;

  Reference r{};
  const double a = (adc_t / 16384.0 - T1 / 1024.0) * T2;
  const double b = std::pow(adc_t / 131072.0 - T1 / 8192.0, 2) * T3 * 16.0;
  const double tfine = a + b;
  r.temperature = tfine / 5120.0;

  double v1 = tfine / 2.0 - 64000.0;
  double v2 = (std::pow(v1, 2) * P6 / 131072.0 + v1 * P5 * 2.0) / 4.0 + P4 * 65536.0;
  v1 = (1.0 + ((P3 * std::pow(v1, 2) / 16384.0) + P2 * v1) / 524288.0 / 32768.0) * P1;
  double p = ((1048576.0 - adc_p) - v2 / 4096.0) * 6250.0 / v1;
  p = p + (P9 * p * p / std::pow(2.0, 31) + p * P8 / 32768.0 + std::pow(p / 256.0, 3) * P10 / 131072.0 + P7 * 128.0) / 16.0;
  r.pressure = p;

  const double tc = tfine / 5120.0;
  const double h1 = adc_h - (H1 * 16.0 + H3 / 2.0 * tc);
  const double h2 = h1 * (H2 / 262144.0 * (1.0 + H4 / 16384.0 * tc + H5 / 1048576.0 * tc * tc));
  r.humidity = std::fmin(100.0, std::fmax(0.0, h2 + (H6 / 16384.0 + H7 / 2097152.0 * tc) * h2 * h2));

  static const double k1[16] = {1, 1, 1, 1, 1, 0.99, 1, 0.992, 1, 1, 0.998, 0.995, 1, 0.99, 1, 1};
  const double k2 = 8e6 / std::pow(2.0, gas_range);  // the table's second column, except two entries
  static const double k2_table[16] = {8e6, 4e6, 2e6, 1e6, 499500.4995, 248262.1648, 125000, 63004.03226,
                                      31281.28128, 15625, 7812.5, 3906.25, 1953.125, 976.5625, 488.28125, 244.140625};
  const double c2 = (gas_range == 4 || gas_range == 5 || gas_range == 7 || gas_range == 8) ? k2_table[gas_range] : k2;
  const double g1 = (1340.0 + 5.0 * range_sw_err) * k1[gas_range];
  r.gas = g1 * c2 / (adc_gas - 512.0 + g1);
  return r;
}

// Datasheet heater set-point and wait-time encodings.
inline int reference_res_heat(const std::function<std::uint8_t(int)>& reg, double target, double ambient) {
  auto s8 = [&](int a) { double v = reg(a); return v >= 128 ? v - 256 : v; };
  const double gh1 = s8(0xED), gh3 = s8(0xEE);
  double gh2 = reg(0xEB) + 256.0 * reg(0xEC);
  if (gh2 >= 32768) gh2 -= 65536;
  const double range = (reg(0x02) >> 4) & 3, val = s8(0x00);
  const double x = (gh1 / 16.0 + 49.0) * (1.0 + (gh2 / 32768.0 * 0.0005 + 0.00235) * target) + gh3 / 1024.0 * ambient;
  return static_cast<int>(3.4 * (x * (4.0 / (4.0 + range)) * (1.0 / (1.0 + val * 0.002)) - 25.0));
}

}  // namespace sensorhost::sensors::testing
