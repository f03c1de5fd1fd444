#pragma once
// One real plugin component (build/plugins/NAME.wasm) with the host capabilities a test
// controls: settings that can change between polls, a 4-LED buffer, captured logs and
// injected clocks.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "component/plugin_api.hpp"

namespace sensorhost::plugin_logic {

using Settings = std::map<std::string, config::SettingValue>;

class PluginHost {
 public:
  explicit PluginHost(const std::string& plugin, Settings settings = {});
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  // The plugin's answer; a trap fails the test and comes back as an err.
  component::plugin_api::PluginResult poll(const io::SensorReading& sample);
  // The status line of a poll that must succeed ("" and a test failure otherwise).
  std::string poll_ok(const io::SensorReading& sample);

  std::vector<std::uint8_t> snapshot();
  Expected<Ok, std::string> restore(const std::vector<std::uint8_t>& bytes);

  Settings& settings() { return *caps_.settings; }
  bool led(std::size_t index) const { return leds.get(index); }
  // Log lines ("warn: ...") that contain `text`.
  std::size_t logged(const std::string& text) const;

  io::LedBuffer leds{4};
  std::uint64_t monotonic_ms = 0;
  std::vector<std::string> logs;
  std::uint64_t fuel_used_last = 0;  // by the last poll

 private:
  component::plugin_api::HostCapabilities caps_;
  component::Linker linker_;
  std::unique_ptr<component::Instance> instance_;
};

// Samples as the drivers produce them.
io::SensorReading dht22_reading(double temperature_c, double humidity_pct);
io::SensorReading bme680_reading(double gas_ohm, double humidity_pct, bool heat_stable = true);
io::SensorReading cpu_reading(double temperature_c);
io::SensorReading stale(io::SensorReading sample, const std::string& why);
io::SensorReading failed(const std::string& sensor, const std::string& why);

// The snapshot header's checksum (FNV-1a 32 of the state after the 16-byte header), for
// forging snapshots whose bytes are intact but whose content is not.
void reseal(std::vector<std::uint8_t>& snapshot);

}  // namespace sensorhost::plugin_logic
