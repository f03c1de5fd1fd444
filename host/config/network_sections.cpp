// [node] and [mqtt]: this node's identity and its broker link.
#include "config/network_sections.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <fstream>

namespace sensorhost::config {

namespace {

constexpr std::size_t kMaxNameLength = 64;

bool name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; }

const char* const kNameRule = "1 to 64 characters of a-z, 0-9, '_' and '-'";

std::string local_host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return {};
  return name;
}

std::string resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

// "mqtt://host:port" or "mqtts://host:port" (the port defaults to 1883 / 8883).
bool parse_broker(const std::string& url, MqttConfig& out) {
  std::string rest;
  if (url.rfind("mqtt://", 0) == 0) {
    out.tls = false;
    rest = url.substr(7);
  } else if (url.rfind("mqtts://", 0) == 0) {
    out.tls = true;
    rest = url.substr(8);
  } else {
    return false;
  }
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  std::string host = rest, port_text;
  if (const auto colon = rest.rfind(':'); colon != std::string::npos && rest.find(']', colon) == std::string::npos) {
    host = rest.substr(0, colon);
    port_text = rest.substr(colon + 1);
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty() || host.find_first_of("/@ ") != std::string::npos) return false;
  long port = out.tls ? 8883 : 1883;
  if (!port_text.empty()) {
    if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos) return false;
    port = std::stol(port_text);
    if (port < 1 || port > 65535) return false;
  }
  out.host = host;
  out.port = static_cast<std::uint16_t>(port);
  return true;
}

void read_broker(TableReader& r, MqttConfig& out) {
  const TomlValue* v = r.get_raw("broker");
  if (!v) return;
  if (!v->is_string() || !parse_broker(v->as_string().str, out))
    r.sink().add(v, r.key_path("broker"),
                 "expected \"mqtt://host:port\" or \"mqtts://host:port\" (port optional), found " + toml::format(*v));
}

// A file the service must be able to read at start: checked now, so a typo is a config
// error with its line rather than a link that never comes up.
void read_file_key(TableReader& r, const std::string& key, std::string& out, const std::string& base_dir) {
  const TomlValue* v = r.get_raw(key);
  r.get_string(key, out);
  if (!v || !v->is_string() || out.empty()) return;  // "": none
  out = resolve(out, base_dir);
  if (!std::ifstream(out)) r.sink().add(v, r.key_path(key), "cannot read the file " + out);
}

void read_password(TableReader& r, MqttConfig& out, const std::string& base_dir) {
  if (const TomlValue* inline_password = r.get_raw("password"))
    r.sink().add(inline_password, r.key_path("password"),
                 "a password never sits in host.toml: put it in a file readable by the service only and name "
                 "that file with password_file");
  read_file_key(r, "password_file", out.password_file, base_dir);
  if (out.password_file.empty()) return;
  std::ifstream file(out.password_file);
  std::getline(file, out.password);  // first line; a trailing newline is not part of it
  if (!out.password.empty() && out.password.back() == '\r') out.password.pop_back();
}

void read_duration(TableReader& r, const std::string& key, std::int64_t min_ms, std::int64_t max_ms,
                   const std::string& range, std::chrono::milliseconds& out) {
  const TomlValue* v = r.get_raw(key);
  if (!v) return;
  auto ms = parse_duration_ms(*v);
  if (!ms || *ms < min_ms || *ms > max_ms)
    r.sink().add(v, r.key_path(key), "expected a duration from " + range + " (seconds, or a string like \"5s\"), found " +
                                         toml::format(*v));
  else
    out = std::chrono::milliseconds(*ms);
}

void read_subscribe(TableReader& r, MqttConfig& out) {
  const TomlValue* v = r.get_raw("subscribe");
  if (!v) return;
  const std::string expected = "expected an array of node names (" + std::string(kNameRule) + "), [\"*\"] for all nodes or [] for none";
  if (!v->is_array()) {
    r.sink().add(v, r.key_path("subscribe"), expected + ", found " + toml_type_name(*v));
    return;
  }
  for (const auto& item : v->as_array()) {
    const bool ok = item.is_string() && (valid_node_name(item.as_string().str) || item.as_string().str == "*");
    if (!ok) {
      r.sink().add(&item, r.key_path("subscribe"), expected + ", found " + toml::format(item));
      continue;
    }
    out.subscribe.push_back(item.as_string().str);
  }
  if (out.subscribe.size() > 1 && std::find(out.subscribe.begin(), out.subscribe.end(), "*") != out.subscribe.end())
    r.sink().add(v, r.key_path("subscribe"), "\"*\" already means every node: list it alone");
}

void read_topic_prefix(TableReader& r, const std::string& key, std::string& out) {
  const TomlValue* v = r.get_raw(key);
  r.get_string(key, out);
  if (!v || !v->is_string()) return;
  if (!valid_topic_prefix(out))
    r.sink().add(v, r.key_path(key),
                 "expected a topic prefix of 1 to 128 bytes without wildcards (+, #), empty levels (a leading, trailing "
                 "or double '/') or a leading '$', found " + toml::format(*v));
}

}  // namespace

bool valid_node_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxNameLength && std::all_of(name.begin(), name.end(), name_char);
}

bool valid_topic_prefix(std::string_view prefix) {
  if (prefix.empty() || prefix.size() > 128 || prefix.front() == '$') return false;
  if (prefix.find_first_of(std::string_view("+#\0", 3)) != std::string_view::npos) return false;
  return prefix.front() != '/' && prefix.back() != '/' && prefix.find("//") == std::string_view::npos;
}

std::string node_name_from_host(std::string_view hostname) {
  std::string name;
  for (char c : hostname.substr(0, kMaxNameLength)) {
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    name += name_char(lower) ? lower : '-';
  }
  return name.empty() ? "node" : name;
}

void read_node(TableReader& r, NodeConfig& out) {
  const TomlValue* name = r.get_raw("name");
  r.get_string("name", out.name);
  if (name && name->is_string() && !valid_node_name(out.name))
    r.sink().add(name, r.key_path("name"), std::string("expected ") + kNameRule + ", found " + toml::format(*name));
  r.get_string("dashboard_url", out.dashboard_url);
}

void read_mqtt(TableReader& r, MqttConfig& out, const std::string& base_dir) {
  r.get_bool("enabled", out.enabled);
  read_broker(r, out);
  r.get_string("client_id", out.client_id);
  if (out.client_id.size() > 128) r.sink().add(r.get_raw("client_id"), r.key_path("client_id"), "at most 128 characters");
  r.get_string("username", out.username);
  read_password(r, out, base_dir);
  read_file_key(r, "ca_file", out.ca_file, base_dir);
  read_file_key(r, "cert_file", out.cert_file, base_dir);
  read_file_key(r, "key_file", out.key_file, base_dir);
  if (out.cert_file.empty() != out.key_file.empty())
    r.sink().add(r.get_raw(out.cert_file.empty() ? "key_file" : "cert_file"), r.key_path("cert_file"),
                 "a client certificate needs both cert_file and key_file");
  std::chrono::milliseconds keepalive = out.keepalive;
  read_duration(r, "keepalive", 5'000, 3'600'000, "5s to 3600s", keepalive);
  out.keepalive = std::chrono::duration_cast<std::chrono::seconds>(keepalive);
  read_topic_prefix(r, "topic_prefix", out.topic_prefix);
  read_duration(r, "publish_interval", 100, 3'600'000, "100ms to 3600s", out.publish_interval);
  read_subscribe(r, out);
  r.get_bool("home_assistant", out.home_assistant);
  read_topic_prefix(r, "discovery_prefix", out.discovery_prefix);
}

void finish_network(Config& config) {
  if (config.node.name.empty()) config.node.name = node_name_from_host(local_host_name());
  if (config.mqtt.client_id.empty()) config.mqtt.client_id = "sensorhost-" + config.node.name;
  for (auto& plugin : config.plugins)
    if (plugin.node == config.node.name) plugin.node.clear();  // naming this node is the same as naming none
}

}  // namespace sensorhost::config
