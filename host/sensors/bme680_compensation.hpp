#pragma once
// BME680 calibration layout, raw data layout and Bosch's float compensation, written from
// the datasheet facts in shared/reference/hardware.md. Pure functions: the driver and the
// chip model both use them; tests check them against independently written formulas.
#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace sensorhost::sensors::bme680 {

// Registers.
inline constexpr std::uint8_t kChipIdReg = 0xD0, kChipId = 0x61;
inline constexpr std::uint8_t kVariantReg = 0xF0, kVariantBme680 = 0x00, kVariantBme688 = 0x01;
inline constexpr std::uint8_t kResetReg = 0xE0, kResetCommand = 0xB6;
inline constexpr std::uint8_t kCtrlGas0 = 0x70, kCtrlGas1 = 0x71, kCtrlHum = 0x72, kCtrlMeas = 0x74, kConfig = 0x75;
inline constexpr std::uint8_t kResHeat0 = 0x5A, kGasWait0 = 0x64;
inline constexpr std::uint8_t kRunGas = 0x10;  // ctrl_gas_1 bit 4 on the BME680
inline constexpr std::uint8_t kModeForced = 0x01;
inline constexpr std::uint8_t kDataStart = 0x1D;
inline constexpr std::size_t kDataLen = 15;  // 0x1D..0x2B
inline constexpr std::uint8_t kCalib1Start = 0x8A, kCalib2Start = 0xE1, kCalib3Start = 0x00;
inline constexpr std::size_t kCalib1Len = 23, kCalib2Len = 14, kCalib3Len = 5;
inline constexpr std::uint32_t kSkipped20 = 0x80000;  // raw T/P when oversampling is 0
inline constexpr std::uint16_t kSkipped16 = 0x8000;   // raw H when oversampling is 0
inline constexpr std::uint8_t kNewData = 0x80, kGasMeasuring = 0x40, kMeasuring = 0x20;
inline constexpr std::uint8_t kGasValid = 0x20, kHeatStable = 0x10;

struct Calibration {
  std::uint16_t t1 = 0; std::int16_t t2 = 0; std::int8_t t3 = 0;
  std::uint16_t p1 = 0; std::int16_t p2 = 0; std::int8_t p3 = 0; std::int16_t p4 = 0, p5 = 0;
  std::int8_t p6 = 0, p7 = 0; std::int16_t p8 = 0, p9 = 0; std::uint8_t p10 = 0;
  std::uint16_t h1 = 0, h2 = 0; std::int8_t h3 = 0, h4 = 0, h5 = 0; std::uint8_t h6 = 0; std::int8_t h7 = 0;
  std::int8_t gh1 = 0; std::int16_t gh2 = 0; std::int8_t gh3 = 0;
  std::uint8_t res_heat_range = 0; std::int8_t res_heat_val = 0; std::int8_t range_sw_err = 0;
  bool operator==(const Calibration&) const = default;
};

// The three calibration blocks as read from 0x8A, 0xE1 and 0x00.
Calibration parse_calibration(std::span<const std::uint8_t, kCalib1Len> block1,
                              std::span<const std::uint8_t, kCalib2Len> block2,
                              std::span<const std::uint8_t, kCalib3Len> block3);

struct RawData {
  std::uint8_t status = 0;
  std::uint32_t adc_p = 0, adc_t = 0;
  std::uint16_t adc_h = 0, adc_gas = 0;
  std::uint8_t gas_range = 0;
  bool gas_valid = false, heat_stable = false;
  bool new_data() const { return status & kNewData; }
};
RawData parse_data(std::span<const std::uint8_t, kDataLen> block);

// t_fine, the temperature term every other compensation uses; T = t_fine / 5120.
double t_fine(const Calibration& c, std::uint32_t adc_t);
inline double temperature_c(double t_fine) { return t_fine / 5120.0; }
// Pa; empty when the calibration makes the formula divide by zero.
std::optional<double> pressure_pa(const Calibration& c, double t_fine, std::uint32_t adc_p);
// %RH, clamped to 0..100.
double humidity_rh(const Calibration& c, double t_fine, std::uint16_t adc_h);
// Ohm (BME680 formula).
double gas_ohm(const Calibration& c, std::uint16_t adc_gas, std::uint8_t range);
// The BME680's gas lookup tables, used by the formula above and its inverse.
double gas_const1(std::uint8_t range);
double gas_const2(std::uint8_t range);

// Heater register encodings.
std::uint8_t res_heat_code(const Calibration& c, double target_c, double ambient_c);
std::uint8_t gas_wait_code(unsigned ms);
unsigned gas_wait_ms(std::uint8_t code);  // the inverse, for logs and the model

// Measurement time in microseconds for the oversampling codes (0 = skip .. 5 = x16),
// without the heater phase.
unsigned tph_duration_us(std::uint8_t osrs_t, std::uint8_t osrs_p, std::uint8_t osrs_h);

}  // namespace sensorhost::sensors::bme680
