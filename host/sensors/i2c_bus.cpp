#include "sensors/i2c_bus.hpp"

#include <fcntl.h>
#include <linux/i2c-dev.h>
#include <linux/i2c.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

extern "C" {
#include <i2c/smbus.h>
}

namespace sensorhost::sensors {

Expected<I2cBusPtr, std::string> LinuxI2cBus::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    const char* hint = errno == ENOENT ? " (is I2C enabled? raspi-config / dtparam=i2c_arm=on)"
                       : errno == EACCES ? " (is the user in the i2c group?)"
                                         : "";
    return unexpected("cannot open I2C bus " + path + ": " + std::strerror(errno) + hint);
  }
  unsigned long funcs = 0;
  if (ioctl(fd, I2C_FUNCS, &funcs) < 0 || !(funcs & I2C_FUNC_SMBUS_READ_I2C_BLOCK) ||
      !(funcs & I2C_FUNC_SMBUS_WRITE_BYTE_DATA)) {
    ::close(fd);
    return unexpected(path + " does not support SMBus I2C-block reads and byte writes");
  }
  return I2cBusPtr(std::make_unique<LinuxI2cBus>(Key{}, fd, path));
}

LinuxI2cBus::~LinuxI2cBus() { ::close(fd_); }

std::string LinuxI2cBus::failure(const char* what, std::uint8_t address, std::uint8_t reg, int err) const {
  char buf[160];
  const bool nack = err == ENXIO || err == EREMOTEIO || err == EIO;
  std::snprintf(buf, sizeof buf, "%s0x%02x, register 0x%02x on %s: %s", nack ? "no ACK from " : what, address, reg,
                path_.c_str(), std::strerror(err));
  return buf;
}

Expected<Ok, std::string> LinuxI2cBus::select(std::uint8_t address) {
  if (selected_ == address) return Ok{};
  if (ioctl(fd_, I2C_SLAVE, static_cast<unsigned long>(address)) < 0) {
    return unexpected(failure("cannot address ", address, 0, errno));
  }
  selected_ = address;
  return Ok{};
}

Expected<Ok, std::string> LinuxI2cBus::write_byte(std::uint8_t address, std::uint8_t reg, std::uint8_t value) {
  if (auto s = select(address); !s) return s;
  if (i2c_smbus_write_byte_data(fd_, reg, value) < 0) return unexpected(failure("write to ", address, reg, errno));
  return Ok{};
}

Expected<Ok, std::string> LinuxI2cBus::read_block(std::uint8_t address, std::uint8_t reg, std::span<std::uint8_t> out) {
  if (out.empty() || out.size() > kSmbusBlockMax) {
    return unexpected("SMBus block reads take 1.." + std::to_string(kSmbusBlockMax) + " bytes, not " +
                      std::to_string(out.size()));
  }
  if (auto s = select(address); !s) return s;
  const int n = i2c_smbus_read_i2c_block_data(fd_, reg, static_cast<std::uint8_t>(out.size()), out.data());
  if (n < 0) return unexpected(failure("read from ", address, reg, errno));
  if (static_cast<std::size_t>(n) != out.size()) {
    return unexpected("short read from " + path_ + ": " + std::to_string(n) + " of " + std::to_string(out.size()) +
                      " bytes");
  }
  return Ok{};
}

I2cOpener linux_i2c_opener(std::string path) {
  return [path = std::move(path)] { return LinuxI2cBus::open(path); };
}

}  // namespace sensorhost::sensors
