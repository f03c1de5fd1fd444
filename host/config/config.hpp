#pragma once
// The effective configuration of the service, as loaded from host.toml with every
// default filled in. The schema and its documentation: config/README.md.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sensorhost::config {

enum class HardwareMode { auto_detect, real, sim };
enum class Dht22Backend { auto_detect, gpiod, iio, sim };
enum class LogLevel { trace, debug, info, warning, error };

struct PollingConfig {
  std::chrono::milliseconds interval{2000};
};

struct HardwareConfig {
  HardwareMode mode = HardwareMode::auto_detect;
};

struct Dht22Config {
  bool enabled = true;
  std::string chip = "gpiochip0";
  unsigned pin = 4;
  Dht22Backend backend = Dht22Backend::auto_detect;
};

struct Bme680Config {
  bool enabled = true;
  std::string bus = "/dev/i2c-1";
  std::uint8_t address = 0x76;
  int heater_temperature_c = 320;  // 200..400
  int heater_duration_ms = 150;    // 1..4032
};

struct CpuConfig {
  bool enabled = true;
  // "auto" picks the zone whose type looks like the SoC (cpu-thermal, soc_thermal, ...);
  // otherwise a zone name such as "thermal_zone0".
  std::string thermal_zone = "auto";
};

struct LedsConfig {
  std::string chip = "gpiochip0";
  std::vector<unsigned> pins;  // LED i is driven by pins[i]
  bool active_low = false;
};

struct LoggingConfig {
  LogLevel level = LogLevel::info;
  bool show_sensor_data = false;
};

// A plugin setting as written in [plugins.NAME.settings]: passed to the plugin as is.
using SettingValue = std::variant<bool, std::int64_t, double, std::string>;

// What a plugin does each cycle: poll() with one sensor's reading, or render the page.
enum class PluginRole { sensor_logic, dashboard };

// The host interfaces a plugin may import (wit/capabilities.wit).
inline const std::vector<std::string> kAllCapabilities = {"sensors", "leds", "logging", "settings", "clock"};

struct PluginConfig {
  std::string name;
  // Whose `sensor` poll() receives: empty for this node, or a remote node's name (a hub).
  std::string node;
  bool enabled = true;
  std::string path;                  // the component's .wasm
  PluginRole role = PluginRole::sensor_logic;  // default: dashboard for a plugin named "dashboard"
  std::string sensor;                // sensor-logic: whose readings poll() receives (dht22, bme680, cpu)
  // Interfaces the plugin is granted; a component importing more is refused. Default:
  // all of them for sensor logic; logging, settings and clock for the dashboard.
  std::vector<std::string> grants;
  std::optional<unsigned> led;       // LED index the plugin drives, if any
  std::uint64_t fuel = 10'000'000;   // per call
  std::uint32_t memory_pages = 256;  // cap on linear memory (64 KiB pages); 16 MiB
  std::map<std::string, SettingValue> settings;
};

struct WebConfig {
  std::string listen = "0.0.0.0";
  std::uint16_t port = 8080;
  // Bearer token for the plugin admin API (POST /api/plugins/...). Empty: admin is off (403).
  std::string token;
  // How far back /api/history reaches (in-memory ring per series).
  std::chrono::milliseconds history_retention{24 * 3600 * 1000};
};

// This node's identity among the nodes that meet through the broker.
struct NodeConfig {
  // [a-z0-9_-]{1,64}. Default: the host name, lowercased, other characters turned into '-'.
  std::string name;
  // The dashboard's address other nodes show; empty: derived from [web] and the host name.
  std::string dashboard_url;
};

// The broker link ([mqtt]): publishes this node, aggregates others (a hub), and Home
// Assistant discovery. Topics: host/link/README.md.
struct MqttConfig {
  bool enabled = false;
  bool tls = false;                   // mqtts://
  std::string host = "localhost";     // from broker = "mqtt://host:port"
  std::uint16_t port = 1883;          // 1883, or 8883 for mqtts
  std::string client_id;              // default: sensorhost-<node>
  std::string username;
  std::string password_file;          // the password is read from this file, never from host.toml
  std::string password;               // read from password_file at load
  std::string ca_file, cert_file, key_file;  // TLS
  std::chrono::seconds keepalive{30};
  std::string topic_prefix = "sensorhost";
  std::chrono::milliseconds publish_interval{5000};  // readings at most this often (and at once on a change)
  std::vector<std::string> subscribe;  // nodes to aggregate: names, {"*"} for all, {} for none
  bool home_assistant = false;
  std::string discovery_prefix = "homeassistant";

  bool subscribes_all() const { return subscribe.size() == 1 && subscribe[0] == "*"; }
};

// Knobs of the simulated hardware (used when mode = sim or nothing real is found).
struct SimulationConfig {
  std::uint64_t seed = 1;
  double dht22_failure_rate = 0.05;  // share of DHT22 reads that fail their checksum
  bool bme680_present = true;        // false simulates a missing chip (no ACK)
  bool cpu_zone_present = true;      // false: no simulated thermal zone
};

struct Config {
  std::string source;  // the file it came from
  NodeConfig node;
  PollingConfig polling;
  HardwareConfig hardware;
  Dht22Config dht22;
  Bme680Config bme680;
  CpuConfig cpu;
  LedsConfig leds;
  LoggingConfig logging;
  std::vector<PluginConfig> plugins;  // in file order
  WebConfig web;
  MqttConfig mqtt;
  SimulationConfig simulation;
};

}  // namespace sensorhost::config
