#pragma once
// A real sensorhost process for system tests: simulated sensors, an ephemeral web port,
// an [mqtt] section, and bounded-poll helpers over its HTTP API.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>

#include "support/process.hpp"

namespace sensorhost::testing {

using nlohmann::json;
using namespace std::chrono_literals;

struct NodeOptions {
  std::string name;
  std::string broker;
  std::string subscribe = "[]";
  std::string publish_interval = "300ms";
  std::string keepalive = "5s";
  bool home_assistant = false;
  bool dashboard = false;
  std::string extra_mqtt = {};  // more [mqtt] keys (credentials, TLS)
};

// One sensorhost process on an ephemeral web port.
class Node {
 public:
  Node(const std::string& test, const NodeOptions& o) : name_(o.name) {
    const std::string dir = ::testing::TempDir();
    const std::string config = dir + test + "-" + o.name + ".toml";
    std::ofstream(config) << "[node]\nname = \"" << o.name << "\"\n[polling]\ninterval = \"100ms\"\n[hardware]\nmode = \"sim\"\n"
                          << "[simulation]\ndht22_failure_rate = 0.0\n[leds]\npins = [1]\n"
                          << "[web]\nlisten = \"127.0.0.1\"\nport = 0\n"
                          << "[mqtt]\nenabled = true\nbroker = \"" << o.broker << "\"\nsubscribe = " << o.subscribe
                          << "\npublish_interval = \"" << o.publish_interval << "\"\nkeepalive = \"" << o.keepalive
                          << "\"\nhome_assistant = " << (o.home_assistant ? "true" : "false") << "\n" << o.extra_mqtt
                          << (o.dashboard ? "[plugins.dashboard]\npath = \"" SENSORHOST_PLUGIN_DIR "/dashboard.wasm\"\n" : "");
    process_ = std::make_unique<ChildProcess>(SENSORHOST_BIN, std::vector<std::string>{"--config", config},
                                              dir + test + "-" + o.name + ".log");
    const std::string marker = "dashboard on http://127.0.0.1:";
    if (process_->wait_for(marker)) {
      const std::string log = process_->log();
      port_ = static_cast<std::uint16_t>(std::stoi(log.substr(log.find(marker) + marker.size())));
    }
  }

  const std::string& name() const { return name_; }
  ChildProcess& process() { return *process_; }
  std::string log() const { return process_->log(); }
  bool serving() const { return port_ != 0; }

  std::optional<json> get_json(const std::string& path) const {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(1s);
    client.set_read_timeout(2s);
    auto res = client.Get(path.c_str());
    if (!res || res->status != 200) return std::nullopt;
    json body = json::parse(res->body, nullptr, false);
    if (body.is_discarded()) return std::nullopt;
    return body;
  }
  std::string get_text(const std::string& path) const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(2s);
    auto res = client.Get(path.c_str());
    return res ? res->body : "(no answer from port " + std::to_string(port_) + ": " + httplib::to_string(res.error()) + ")";
  }

  // How many times the log says the link came up.
  std::size_t connects() const {
    const std::string log = process_->log();
    std::size_t count = 0;
    for (auto at = log.find("mqtt: connected to"); at != std::string::npos; at = log.find("mqtt: connected to", at + 1)) ++count;
    return count;
  }

  // The reading `sensor` of node `node` in /api/readings, if there is one.
  std::optional<json> reading(const std::string& node, const std::string& sensor) const {
    auto body = get_json("/api/readings");
    if (!body) return std::nullopt;
    for (const auto& r : (*body)["readings"])
      if (r.value("node", "") == node && r.value("sensor", "") == sensor) return r;
    return std::nullopt;
  }
  // The node's entry in /api/nodes.
  std::optional<json> node_entry(const std::string& node) const {
    auto body = get_json("/api/nodes");
    if (!body) return std::nullopt;
    for (const auto& n : (*body)["nodes"])
      if (n.value("name", "") == node) return n;
    return std::nullopt;
  }
  std::string node_state(const std::string& node) const {
    auto entry = node_entry(node);
    return entry ? entry->value("state", "") : "";
  }

 private:
  std::string name_;
  std::unique_ptr<ChildProcess> process_;
  std::uint16_t port_ = 0;
};

inline bool shows_ok_reading(const Node& hub, const std::string& node) {
  auto r = hub.reading(node, "dht22");
  return r && r->value("status", "") == "ok";
}


}  // namespace sensorhost::testing
