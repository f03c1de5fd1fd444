#pragma once
// The sections that join this node to others: [node] (its identity) and [mqtt] (the
// broker link). Internal to the config library (loader.cpp calls them).
#include <string>

#include "config/config.hpp"
#include "config/table_reader.hpp"

namespace sensorhost::config {

void read_node(TableReader& r, NodeConfig& out);
// Relative file paths (password, TLS files) resolve against `base_dir`.
void read_mqtt(TableReader& r, MqttConfig& out, const std::string& base_dir);
// Defaults that depend on other sections: the node name from the host name, the
// client id from the node name.
void finish_network(Config& config);

}  // namespace sensorhost::config
