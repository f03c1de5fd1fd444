#pragma once
// The hardware check behind `sensorhost --probe`: lists what the machine offers (gpiochips,
// I2C buses with a BME680 at 0x76/0x77, a dht11 IIO device, thermal zones), then reads each
// configured sensor once through the driver the service would use. Plain text; on a machine
// without the hardware it says so.
#include <string>

#include "config/config.hpp"
#include "sensors/factory.hpp"

namespace sensorhost::sensors {

std::string probe_hardware(const config::Dht22Config& dht22, const config::Bme680Config& bme680,
                           const config::CpuConfig& cpu, const HardwareAccess& access = {});

}  // namespace sensorhost::sensors
