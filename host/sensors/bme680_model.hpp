#pragma once
// A register-level BME680 behind the I2C bus interface, so the simulated sensor runs the
// real driver. It holds a calibration block, answers chip id/variant, soft reset and
// forced mode, and on each forced measurement computes the raw ADC registers from chosen
// physical values by inverting the compensation formulas (searching the ADC code whose
// compensated value is nearest). Faults: absent chip (no ACK), wrong chip id, a chip that
// stays busy for some status polls.
#include <array>
#include <cstdint>
#include <mutex>

#include "sensors/bme680_compensation.hpp"
#include "sensors/i2c_bus.hpp"

namespace sensorhost::sensors {

struct Bme680Physical {
  double temperature_c = 22.0;
  double pressure_pa = 101325.0;
  double humidity_rh = 45.0;
  double gas_resistance_ohm = 120000.0;
};

struct Bme680ModelOptions {
  std::uint8_t address = 0x76;
  std::uint8_t chip_id = bme680::kChipId;
  std::uint8_t variant = bme680::kVariantBme680;
  bool present = true;
  unsigned busy_polls = 0;          // status reads answering "measuring" after each trigger
  unsigned heat_stable_min_ms = 20;  // shorter gas_wait: heater not stable
  std::string bus_name = "simulated I2C bus";
};

class Bme680ChipModel final : public I2cBus {
 public:
  explicit Bme680ChipModel(const bme680::Calibration& calibration, Bme680ModelOptions options = {});

  void set_physical(const Bme680Physical& physical);
  void set_present(bool present);

  // Inspection for tests.
  std::uint8_t peek(std::uint8_t reg) const;
  bme680::RawData last_raw() const;
  unsigned resets() const;
  unsigned measurements() const;

  Expected<Ok, std::string> write_byte(std::uint8_t address, std::uint8_t reg, std::uint8_t value) override;
  Expected<Ok, std::string> read_block(std::uint8_t address, std::uint8_t reg, std::span<std::uint8_t> out) override;
  std::string describe() const override { return options_.bus_name; }

 private:
  Expected<Ok, std::string> check(std::uint8_t address) const;
  void soft_reset();
  void measure();
  void store_raw(const bme680::RawData& raw);

  bme680::Calibration calibration_;
  Bme680ModelOptions options_;
  mutable std::mutex mutex_;
  std::array<std::uint8_t, 256> regs_{};
  Bme680Physical physical_;
  bme680::RawData raw_;
  unsigned busy_left_ = 0;
  unsigned resets_ = 0;
  unsigned measurements_ = 0;
};

// Register bytes of a calibration (the inverse of bme680::parse_calibration), written into
// a 256-byte register map. Unused bits in the shared registers are set, as real chips do,
// so a parser that forgets a mask fails the tests.
void store_calibration(const bme680::Calibration& c, std::array<std::uint8_t, 256>& regs);

}  // namespace sensorhost::sensors

namespace sensorhost::sensors {
// A plausible calibration (values of the magnitude real chips carry), for the simulation.
bme680::Calibration typical_bme680_calibration();
}  // namespace sensorhost::sensors
