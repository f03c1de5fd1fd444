// The effective configuration printed back as TOML (sensorhost --check-config).
#include <iomanip>
#include <sstream>

#include "config/loader.hpp"

namespace sensorhost::config {

namespace {

std::string quoted(const std::string& s) {
  std::ostringstream out;
  out << std::quoted(s);
  return out.str();
}

std::string bool_text(bool b) { return b ? "true" : "false"; }

std::string string_list(const std::vector<std::string>& items) {
  std::string text = "[";
  for (std::size_t i = 0; i < items.size(); ++i) text += (i ? ", " : "") + quoted(items[i]);
  return text + "]";
}

template <class Enum>
std::string choice(Enum value, std::initializer_list<const char*> names) {
  return quoted(*(names.begin() + static_cast<int>(value)));
}

std::string setting_text(const SettingValue& v) {
  struct Visitor {
    std::string operator()(bool b) const { return bool_text(b); }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      std::ostringstream out;
      out << std::setprecision(17) << d;
      std::string text = out.str();
      if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
      return text;
    }
    std::string operator()(const std::string& s) const { return quoted(s); }
  };
  return std::visit(Visitor{}, v);
}

void render_plugin(std::ostringstream& out, const PluginConfig& p) {
  out << "\n[plugins." << p.name << "]\n"
      << "enabled = " << bool_text(p.enabled) << "\n"
      << "path = " << quoted(p.path) << "\n";
  out << "role = " << choice(p.role, {"sensor-logic", "dashboard"}) << "\n";
  if (!p.node.empty()) out << "node = " << quoted(p.node) << "\n";
  if (!p.sensor.empty()) out << "sensor = " << quoted(p.sensor) << "\n";
  out << "grants = " << string_list(p.grants) << "\n";
  if (p.led) out << "led = " << *p.led << "\n";
  out << "fuel = " << p.fuel << "\n"
      << "memory = \"" << (static_cast<std::uint64_t>(p.memory_pages) * 64) << "KiB\"\n";
  if (!p.settings.empty()) {
    out << "[plugins." << p.name << ".settings]\n";
    for (const auto& [key, value] : p.settings) out << key << " = " << setting_text(value) << "\n";
  }
}

}  // namespace

// The password itself is never printed: only the file it comes from.
std::string render_mqtt(const MqttConfig& m) {
  std::ostringstream out;
  out << "[mqtt]\nenabled = " << bool_text(m.enabled)
      << "\nbroker = " << quoted((m.tls ? "mqtts://" : "mqtt://") + m.host + ":" + std::to_string(m.port))
      << "\nclient_id = " << quoted(m.client_id) << "\nusername = " << quoted(m.username)
      << "\npassword_file = " << quoted(m.password_file) << "\nca_file = " << quoted(m.ca_file)
      << "\ncert_file = " << quoted(m.cert_file) << "\nkey_file = " << quoted(m.key_file)
      << "\nkeepalive = \"" << m.keepalive.count() << "s\"\ntopic_prefix = " << quoted(m.topic_prefix)
      << "\npublish_interval = \"" << m.publish_interval.count() << "ms\"\nsubscribe = " << string_list(m.subscribe)
      << "\nhome_assistant = " << bool_text(m.home_assistant) << "\ndiscovery_prefix = " << quoted(m.discovery_prefix)
      << "\n";
  return out.str();
}

std::string render_config(const Config& c) {
  std::ostringstream out;
  out << "# effective configuration of " << c.source << " (defaults filled in)\n"
      << "[polling]\ninterval = \"" << c.polling.interval.count() << "ms\"\n"
      << "\n[hardware]\nmode = " << choice(c.hardware.mode, {"auto", "real", "sim"}) << "\n"
      << "\n[sensors.dht22]\nenabled = " << bool_text(c.dht22.enabled) << "\nchip = " << quoted(c.dht22.chip)
      << "\npin = " << c.dht22.pin << "\nbackend = " << choice(c.dht22.backend, {"auto", "gpiod", "iio", "sim"}) << "\n"
      << "\n[sensors.bme680]\nenabled = " << bool_text(c.bme680.enabled) << "\nbus = " << quoted(c.bme680.bus)
      << "\naddress = 0x" << std::hex << static_cast<int>(c.bme680.address) << std::dec
      << "\nheater_temperature_c = " << c.bme680.heater_temperature_c
      << "\nheater_duration_ms = " << c.bme680.heater_duration_ms << "\n"
      << "\n[sensors.cpu]\nenabled = " << bool_text(c.cpu.enabled) << "\nthermal_zone = " << quoted(c.cpu.thermal_zone)
      << "\n"
      << "\n[leds]\nchip = " << quoted(c.leds.chip) << "\npins = [";
  for (std::size_t i = 0; i < c.leds.pins.size(); ++i) out << (i ? ", " : "") << c.leds.pins[i];
  out << "]\nactive_low = " << bool_text(c.leds.active_low) << "\n"
      << "\n[logging]\nlevel = " << choice(c.logging.level, {"trace", "debug", "info", "warning", "error"})
      << "\nshow_sensor_data = " << bool_text(c.logging.show_sensor_data) << "\n"
      << "\n[web]\nlisten = " << quoted(c.web.listen) << "\nport = " << c.web.port
      << "\ntoken = " << quoted(c.web.token)
      << "\nhistory_retention = \"" << c.web.history_retention.count() / 1000 << "s\"\n"
      << "\n[simulation]\nseed = " << c.simulation.seed
      << "\ndht22_failure_rate = " << setting_text(c.simulation.dht22_failure_rate)
      << "\nbme680_present = " << bool_text(c.simulation.bme680_present)
      << "\ncpu_zone_present = " << bool_text(c.simulation.cpu_zone_present) << "\n";
  out << "\n[node]\nname = " << quoted(c.node.name) << "\ndashboard_url = " << quoted(c.node.dashboard_url) << "\n\n"
      << render_mqtt(c.mqtt);
  for (const auto& plugin : c.plugins) render_plugin(out, plugin);
  return out.str();
}

}  // namespace sensorhost::config
