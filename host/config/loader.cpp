#include "config/loader.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/network_sections.hpp"
#include "config/table_reader.hpp"

namespace sensorhost::config {

namespace {

constexpr std::int64_t kMinIntervalMs = 10;
constexpr std::int64_t kMaxIntervalMs = 3'600'000;

// Memory sizes: an integer number of bytes or a string such as "16MiB", "512KiB".
std::optional<std::uint64_t> parse_size_bytes(const TomlValue& v) {
  if (v.is_integer()) return v.as_integer() < 0 ? std::nullopt : std::optional<std::uint64_t>(v.as_integer());
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.as_string().str;
  std::uint64_t number = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
  if (ec != std::errc()) return std::nullopt;
  std::string unit(end, s.data() + s.size());
  unit.erase(std::remove(unit.begin(), unit.end(), ' '), unit.end());
  if (unit == "" || unit == "B") return number;
  if (unit == "KiB") return number << 10;
  if (unit == "MiB") return number << 20;
  if (unit == "GiB") return number << 30;
  return std::nullopt;
}

void read_polling(TableReader& r, PollingConfig& out) {
  const TomlValue* v = r.get_raw("interval");
  if (!v) return;
  auto ms = parse_duration_ms(*v);
  if (!ms || *ms < kMinIntervalMs || *ms > kMaxIntervalMs) {
    std::string found = v->is_string() ? "\"" + v->as_string().str + "\"" : toml::format(*v);
    r.sink().add(v, r.key_path("interval"),
                 "expected a positive duration from 10ms to 3600s (seconds as a number, or a string like "
                 "\"500ms\" or \"2s\"), found " + found);
    return;
  }
  out.interval = std::chrono::milliseconds(*ms);
}

void read_hardware(TableReader& r, HardwareConfig& out) {
  if (auto i = r.get_choice("mode", {"auto", "real", "sim"})) out.mode = static_cast<HardwareMode>(*i);
}

void read_dht22(TableReader& r, Dht22Config& out) {
  r.get_bool("enabled", out.enabled);
  r.get_string("chip", out.chip);
  std::int64_t pin = out.pin;
  r.get_int("pin", pin, 0, 1023);
  out.pin = static_cast<unsigned>(pin);
  if (auto i = r.get_choice("backend", {"auto", "gpiod", "iio", "sim"})) out.backend = static_cast<Dht22Backend>(*i);
}

void read_bme680(TableReader& r, Bme680Config& out) {
  r.get_bool("enabled", out.enabled);
  r.get_string("bus", out.bus);
  std::int64_t address = out.address;
  const TomlValue* raw = r.get_raw("address");
  if (raw && (!raw->is_integer() || (raw->as_integer() != 0x76 && raw->as_integer() != 0x77))) {
    r.sink().add(raw, r.key_path("address"), "expected 0x76 or 0x77 (118 or 119), found " + toml::format(*raw));
  } else if (raw) {
    address = raw->as_integer();
  }
  out.address = static_cast<std::uint8_t>(address);
  std::int64_t temperature = out.heater_temperature_c, duration = out.heater_duration_ms;
  r.get_int("heater_temperature_c", temperature, 200, 400);
  r.get_int("heater_duration_ms", duration, 1, 4032);
  out.heater_temperature_c = static_cast<int>(temperature);
  out.heater_duration_ms = static_cast<int>(duration);
}

void read_cpu(TableReader& r, CpuConfig& out) {
  r.get_bool("enabled", out.enabled);
  r.get_string("thermal_zone", out.thermal_zone);
}

void read_leds(TableReader& r, LedsConfig& out) {
  r.get_string("chip", out.chip);
  r.get_bool("active_low", out.active_low);
  const TomlValue* pins = r.get_raw("pins");
  if (!pins) return;
  if (!pins->is_array()) {
    r.sink().add(pins, r.key_path("pins"), "expected an array of GPIO line numbers, found " + toml_type_name(*pins));
    return;
  }
  std::set<std::int64_t> seen;
  for (const auto& pin : pins->as_array()) {
    if (!pin.is_integer() || pin.as_integer() < 0 || pin.as_integer() > 1023) {
      r.sink().add(&pin, r.key_path("pins"), "expected GPIO line numbers from 0 to 1023, found " + toml::format(pin));
    } else if (!seen.insert(pin.as_integer()).second) {
      r.sink().add(&pin, r.key_path("pins"), "GPIO line " + std::to_string(pin.as_integer()) + " is listed twice");
    } else {
      out.pins.push_back(static_cast<unsigned>(pin.as_integer()));
    }
  }
  if (out.pins.size() > 64) r.sink().add(pins, r.key_path("pins"), "at most 64 LEDs can be driven by one bulk write");
}

void read_logging(TableReader& r, LoggingConfig& out) {
  if (auto i = r.get_choice("level", {"trace", "debug", "info", "warning", "error"})) out.level = static_cast<LogLevel>(*i);
  r.get_bool("show_sensor_data", out.show_sensor_data);
}

void read_web(TableReader& r, WebConfig& out) {
  r.get_string("listen", out.listen);
  std::int64_t port = out.port;
  r.get_int("port", port, 0, 65535);  // 0: an ephemeral port (tests, benchmarks)
  out.port = static_cast<std::uint16_t>(port);
  r.get_string("token", out.token);
  if (const TomlValue* v = r.get_raw("history_retention")) {
    auto ms = parse_duration_ms(*v);
    constexpr std::int64_t kMinute = 60'000, kWeek = 7 * 24 * 3'600'000;
    if (!ms || *ms < kMinute || *ms > kWeek)
      r.sink().add(v, r.key_path("history_retention"),
                   "expected a duration from 1min to 168h (a string like \"24h\" or \"90min\"), found " +
                       toml::format(*v));
    else
      out.history_retention = std::chrono::milliseconds(*ms);
  }
}

void read_simulation(TableReader& r, SimulationConfig& out) {
  std::int64_t seed = static_cast<std::int64_t>(out.seed);
  r.get_int("seed", seed, 0, INT64_MAX);
  out.seed = static_cast<std::uint64_t>(seed);
  r.get_number("dht22_failure_rate", out.dht22_failure_rate, 0.0, 1.0);
  r.get_bool("bme680_present", out.bme680_present);
  r.get_bool("cpu_zone_present", out.cpu_zone_present);
}

void read_settings(TableReader& r, std::map<std::string, SettingValue>& out) {
  const TomlValue* settings = r.get_raw("settings");
  if (!settings) return;
  if (!settings->is_table()) {
    r.sink().add(settings, r.key_path("settings"), "expected a table of settings, found " + toml_type_name(*settings));
    return;
  }
  for (const auto& [key, v] : settings->as_table()) {
    if (v.is_boolean()) out[key] = v.as_boolean();
    else if (v.is_integer()) out[key] = static_cast<std::int64_t>(v.as_integer());
    else if (v.is_floating()) out[key] = v.as_floating();
    else if (v.is_string()) out[key] = v.as_string().str;
    else r.sink().add(&v, r.key_path("settings." + key), "expected a boolean, number or string, found " + toml_type_name(v));
  }
}

const std::vector<std::string> kSensorNames = {"dht22", "bme680", "cpu"};

// role and sensor: a sensor-logic plugin named after a sensor polls that sensor by default.
void read_role(TableReader& r, PluginConfig& out) {
  out.role = out.name == "dashboard" ? PluginRole::dashboard : PluginRole::sensor_logic;
  if (const TomlValue* node = r.get_raw("node")) {
    if (!node->is_string() || !valid_node_name(node->as_string().str))
      r.sink().add(node, r.key_path("node"), "expected a node name (a-z, 0-9, '_', '-'), found " + toml::format(*node));
    else
      out.node = node->as_string().str;
  }
  if (auto i = r.get_choice("role", {"sensor-logic", "dashboard"})) out.role = static_cast<PluginRole>(*i);
  if (auto i = r.get_choice("sensor", kSensorNames)) out.sensor = kSensorNames[*i];
  if (out.role == PluginRole::dashboard || !out.sensor.empty() || r.get_raw("sensor")) return;
  if (std::find(kSensorNames.begin(), kSensorNames.end(), out.name) != kSensorNames.end())
    out.sensor = out.name;
  else
    r.sink().add(nullptr, r.key_path("sensor"),
                 "missing: which sensor's readings this plugin's poll() receives (dht22, bme680 or cpu)");
}

void read_grants(TableReader& r, PluginConfig& out) {
  out.grants = out.role == PluginRole::dashboard ? std::vector<std::string>{"logging", "settings", "clock"}
                                                 : kAllCapabilities;
  const TomlValue* grants = r.get_raw("grants");
  if (!grants) return;
  const std::string expected = "expected an array of capability names (sensors, leds, logging, settings, clock)";
  if (!grants->is_array()) {
    r.sink().add(grants, r.key_path("grants"), expected + ", found " + toml_type_name(*grants));
    return;
  }
  out.grants.clear();
  for (const auto& g : grants->as_array()) {
    if (g.is_string() &&
        std::find(kAllCapabilities.begin(), kAllCapabilities.end(), g.as_string().str) != kAllCapabilities.end())
      out.grants.push_back(g.as_string().str);
    else
      r.sink().add(&g, r.key_path("grants"), expected + ", found " + toml::format(g));
  }
}

PluginConfig read_plugin(TableReader& r, const std::string& name, const std::string& base_dir) {
  PluginConfig out;
  out.name = name;
  r.get_bool("enabled", out.enabled);
  r.get_string("path", out.path);
  if (out.path.empty()) {
    r.sink().add(nullptr, r.key_path("path"), "missing: the plugin's component file (.wasm) is required");
  } else if (std::filesystem::path(out.path).is_relative()) {
    out.path = (std::filesystem::path(base_dir) / out.path).lexically_normal().string();
  }
  if (r.get_raw("led")) {
    std::int64_t led = 0;
    r.get_int("led", led, 0, 63);
    out.led = static_cast<unsigned>(led);
  }
  std::int64_t fuel = static_cast<std::int64_t>(out.fuel);
  r.get_int("fuel", fuel, 1000, INT64_MAX);
  out.fuel = static_cast<std::uint64_t>(fuel);
  if (const TomlValue* memory = r.get_raw("memory")) {
    auto bytes = parse_size_bytes(*memory);
    constexpr std::uint64_t kPage = 65536, kMaxBytes = 4ull << 30;
    if (!bytes || *bytes < kPage || *bytes > kMaxBytes) {
      r.sink().add(memory, r.key_path("memory"),
                   "expected a size from 64KiB to 4GiB (bytes, or a string like \"16MiB\"), found " +
                       toml::format(*memory));
    } else {
      out.memory_pages = static_cast<std::uint32_t>((*bytes + kPage - 1) / kPage);
    }
  }
  read_role(r, out);
  read_grants(r, out);
  read_settings(r, out.settings);
  return out;
}

unsigned line_of(const TomlValue& v) { return static_cast<unsigned>(v.location().line()); }

void read_plugins(const TomlValue* plugins, ErrorSink& sink, const std::string& base_dir, Config& config) {
  if (!plugins) return;
  if (!plugins->is_table()) {
    sink.add(plugins, "plugins", "expected tables [plugins.NAME], found " + toml_type_name(*plugins));
    return;
  }
  // Plugins run in file order; toml tables are keyed, so order them by line.
  std::vector<std::pair<std::string, const TomlValue*>> entries;
  for (const auto& [name, table] : plugins->as_table()) entries.emplace_back(name, &table);
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return line_of(*a.second) < line_of(*b.second); });
  for (const auto& [name, table] : entries) {
    TableReader reader(table, "plugins." + name, sink);
    config.plugins.push_back(read_plugin(reader, name, base_dir));
    reader.finish();
  }
}

// Checks that need more than one table.
void cross_check(const Config& config, ErrorSink& sink) {
  const auto& subscribed = config.mqtt.subscribe;
  for (const auto& plugin : config.plugins) {
    const bool hears_node = config.mqtt.enabled && (config.mqtt.subscribes_all() ||
                                                    std::find(subscribed.begin(), subscribed.end(), plugin.node) != subscribed.end());
    if (!plugin.node.empty() && !hears_node)
      sink.add(nullptr, "plugins." + plugin.name + ".node",
               "node " + plugin.node + " is not heard: enable [mqtt] and list it in [mqtt] subscribe (or \"*\")");
    if (plugin.led && *plugin.led >= config.leds.pins.size()) {
      sink.add(nullptr, "plugins." + plugin.name + ".led",
               "LED " + std::to_string(*plugin.led) + " does not exist: [leds] pins lists " +
                   std::to_string(config.leds.pins.size()) + " LED(s)");
    }
  }
}

Config read_document(const TomlValue& root, ErrorSink& sink, const std::string& base_dir) {
  Config config;
  TableReader top(&root, "", sink);
  auto section = [&](const std::string& name, auto&& read) {
    TableReader reader(top.get_raw(name), name, sink);
    read(reader);
    reader.finish();
  };
  section("node", [&](TableReader& r) { read_node(r, config.node); });
  section("polling", [&](TableReader& r) { read_polling(r, config.polling); });
  section("hardware", [&](TableReader& r) { read_hardware(r, config.hardware); });
  section("sensors", [&](TableReader& sensors) {
    auto sensor = [&](const std::string& name, auto&& read) {
      TableReader reader(sensors.get_raw(name), "sensors." + name, sink);
      read(reader);
      reader.finish();
    };
    sensor("dht22", [&](TableReader& r) { read_dht22(r, config.dht22); });
    sensor("bme680", [&](TableReader& r) { read_bme680(r, config.bme680); });
    sensor("cpu", [&](TableReader& r) { read_cpu(r, config.cpu); });
  });
  section("leds", [&](TableReader& r) { read_leds(r, config.leds); });
  section("logging", [&](TableReader& r) { read_logging(r, config.logging); });
  section("web", [&](TableReader& r) { read_web(r, config.web); });
  section("mqtt", [&](TableReader& r) { read_mqtt(r, config.mqtt, base_dir); });
  section("simulation", [&](TableReader& r) { read_simulation(r, config.simulation); });
  read_plugins(top.get_raw("plugins"), sink, base_dir, config);
  top.finish();
  finish_network(config);
  cross_check(config, sink);
  return config;
}

// toml11's syntax errors are multi-line drawings; keep its text but lead with our
// file:line:col form so every config message looks the same.
ConfigError syntax_error(const toml::syntax_error& e, const std::string& source) {
  ConfigError error{source, static_cast<unsigned>(e.location().line()), static_cast<unsigned>(e.location().column()),
                    "", "TOML syntax error"};
  std::string what = e.what();
  auto first = what.find('\n');
  std::string headline = what.substr(0, first);
  auto bracket = headline.find("] ");
  if (bracket != std::string::npos) headline = headline.substr(bracket + 2);
  error.message += ": " + headline + (first == std::string::npos ? "" : what.substr(first));
  return error;
}

}  // namespace

std::string ConfigError::to_string() const {
  std::ostringstream out;
  out << file;
  if (line) out << ':' << line << ':' << column;
  out << ": ";
  if (!key.empty()) out << key << ": ";
  out << message;
  return out.str();
}

std::string format_errors(const ConfigErrors& errors) {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

Expected<Config, ConfigErrors> parse_config(std::string_view text, const std::string& source,
                                            const std::string& base_dir) {
  std::istringstream stream{std::string(text)};
  TomlValue root;
  try {
    root = toml::parse<toml::discard_comments, std::map, std::vector>(stream, source);
  } catch (const toml::syntax_error& e) {
    return unexpected(ConfigErrors{syntax_error(e, source)});
  }
  ErrorSink sink(source);
  Config config = read_document(root, sink, base_dir);
  if (!sink.errors().empty()) return unexpected(sink.errors());
  config.source = source;
  return config;
}

Expected<Config, ConfigErrors> load_config_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return unexpected(ConfigErrors{{path, 0, 0, "", "cannot open the file"}});
  std::ostringstream text;
  text << file.rdbuf();
  auto base_dir = std::filesystem::path(path).parent_path().string();
  return parse_config(text.str(), path, base_dir.empty() ? "." : base_dir);
}

}  // namespace sensorhost::config
