#pragma once
// Loading and validating host.toml. Every problem found is reported (not just the
// first), each naming the file, line, column, key and what was expected; a config
// with any error yields no Config at all, so the service never starts half-way.
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "config/config.hpp"

namespace sensorhost::config {

struct ConfigError {
  std::string file;
  unsigned line = 0;    // 1-based; 0 when the problem has no place in the file
  unsigned column = 0;  // 1-based
  std::string key;      // dotted path, e.g. "sensors.dht22.pin"
  std::string message;  // what is wrong and what was expected
  std::string to_string() const;  // "host.toml:3:1: sensors.dht22.pin: ..."
};
using ConfigErrors = std::vector<ConfigError>;

Expected<Config, ConfigErrors> load_config_file(const std::string& path);
// `source` names the text in messages; relative plugin paths resolve against `base_dir`.
Expected<Config, ConfigErrors> parse_config(std::string_view text, const std::string& source,
                                            const std::string& base_dir = ".");

std::string format_errors(const ConfigErrors& errors);
// The effective configuration (every default filled in) as TOML.
std::string render_config(const Config& config);
// "kitchen-pi-4" from "Kitchen.Pi 4": lowercase, characters outside [a-z0-9_-] become
// '-', at most 64 characters; "node" when nothing is left ([node] name's default).
std::string node_name_from_host(std::string_view hostname);
// Node names (and the sensor and plugin names in topics): [a-z0-9_-]{1,64}.
bool valid_node_name(std::string_view name);
// A topic prefix ([mqtt] topic_prefix, discovery_prefix): 1..128 bytes, no wildcard (+, #),
// no NUL, no empty level (a leading, trailing or double '/'), not starting with '$'.
bool valid_topic_prefix(std::string_view prefix);
// The [mqtt] section alone (the password is never printed, only its file).
std::string render_mqtt(const MqttConfig& mqtt);

}  // namespace sensorhost::config
