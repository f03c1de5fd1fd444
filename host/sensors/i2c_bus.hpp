#pragma once
// The I2C bus as the BME680 driver sees it: SMBus byte writes and SMBus I2C-block reads of
// at most 32 bytes. Those two transfers work on real chips, on the kernel's i2c-stub and on
// our register-level chip model alike. Failures are values (no ACK, missing bus), never throws.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "common/expected.hpp"

namespace sensorhost::sensors {

inline constexpr std::size_t kSmbusBlockMax = 32;

class I2cBus {
 public:
  virtual ~I2cBus() = default;
  virtual Expected<Ok, std::string> write_byte(std::uint8_t address, std::uint8_t reg, std::uint8_t value) = 0;
  // Fills `out` (1..32 bytes) from consecutive registers starting at `reg`.
  virtual Expected<Ok, std::string> read_block(std::uint8_t address, std::uint8_t reg, std::span<std::uint8_t> out) = 0;
  virtual std::string describe() const = 0;
};

using I2cBusPtr = std::unique_ptr<I2cBus>;
// Opens a bus on demand, so a bus that appears later (modprobe, overlay) is picked up.
using I2cOpener = std::function<Expected<I2cBusPtr, std::string>()>;

// /dev/i2c-N through i2c-dev (I2C_SLAVE + libi2c's SMBus helpers).
class LinuxI2cBus final : public I2cBus {
 public:
  static Expected<I2cBusPtr, std::string> open(const std::string& path);

 private:
  struct Key {
    explicit Key() = default;
  };

 public:
  // Only open() can build one (the key type is private): the descriptor is always valid.
  LinuxI2cBus(Key, int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~LinuxI2cBus() override;
  LinuxI2cBus(const LinuxI2cBus&) = delete;
  LinuxI2cBus& operator=(const LinuxI2cBus&) = delete;

  Expected<Ok, std::string> write_byte(std::uint8_t address, std::uint8_t reg, std::uint8_t value) override;
  Expected<Ok, std::string> read_block(std::uint8_t address, std::uint8_t reg, std::span<std::uint8_t> out) override;
  std::string describe() const override { return path_; }

 private:
  Expected<Ok, std::string> select(std::uint8_t address);
  std::string failure(const char* what, std::uint8_t address, std::uint8_t reg, int err) const;

  int fd_;
  std::string path_;
  int selected_ = -1;
};

I2cOpener linux_i2c_opener(std::string path);

// Wraps a bus owned elsewhere (a chip model shared with the simulation that steers it).
class SharedI2cBus final : public I2cBus {
 public:
  explicit SharedI2cBus(std::shared_ptr<I2cBus> bus) : bus_(std::move(bus)) {}
  Expected<Ok, std::string> write_byte(std::uint8_t a, std::uint8_t r, std::uint8_t v) override {
    return bus_->write_byte(a, r, v);
  }
  Expected<Ok, std::string> read_block(std::uint8_t a, std::uint8_t r, std::span<std::uint8_t> out) override {
    return bus_->read_block(a, r, out);
  }
  std::string describe() const override { return bus_->describe(); }

 private:
  std::shared_ptr<I2cBus> bus_;
};

}  // namespace sensorhost::sensors
