#pragma once
// One version of one plugin, instantiated: the component, the capabilities it was lent,
// its instance and its typed exports. Created on the loader thread, then handed to the
// cycle thread, which is the only one that calls it.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "component/component.hpp"
#include "component/plugin_api.hpp"
#include "config/config.hpp"
#include "io/led.hpp"
#include "io/reading.hpp"
#include "plugins/plugin_file.hpp"

namespace sensorhost::plugins {

namespace api = component::plugin_api;

// What the runtime lends every plugin's capabilities.
struct HostEnv {
  std::function<io::WallTime()> wall_now;
  std::function<std::chrono::steady_clock::time_point()> steady_now;
  // The reading of `sensor` in the cycle in progress; nullopt outside the cycle thread.
  std::function<std::optional<io::SensorReading>(const std::string& sensor)> latest;
  // The same for any node's sensor, and every node known (a hub knows remote ones).
  std::function<std::optional<io::SensorReading>(const std::string& node, const std::string& sensor)> latest_of;
  std::function<std::vector<io::NodeStatus>()> nodes;
};

// A compiled component that passed the checks for its configuration: world (role) and grant.
struct CheckedComponent {
  std::shared_ptr<const component::Component> component;
  std::string version;  // content hash
  FileIdentity file;
};

// Parses and compiles `bytes` with the plugin's memory cap and checks its world against
// the plugin's role and grant. Errors name the plugin, the file and what is wrong.
Expected<CheckedComponent, std::string> check_component(const std::vector<std::uint8_t>& bytes,
                                                        const config::PluginConfig& config);

struct LoadedPlugin {
  CheckedComponent checked;
  io::WallTime loaded_at{};
  // Lent to the instance by reference: a LoadedPlugin never moves (held by unique_ptr).
  api::HostCapabilities caps;
  io::LedBuffer leds;  // the plugin's view of the bank; the runtime syncs it around calls
  component::Linker linker;
  std::unique_ptr<component::Instance> instance;
  std::optional<api::SensorLogic> sensor_logic;
  std::optional<api::DashboardRender> dashboard;
  std::optional<api::StateExport> state;

  LoadedPlugin() = default;
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;
};

// The settings the plugin sees: its [plugins.NAME.settings] plus `led` from the plugin's table.
std::map<std::string, config::SettingValue> plugin_settings(const config::PluginConfig& config);

// Instantiates a checked component with the capabilities its grant allows; start-up code
// runs with the plugin's fuel budget. `env` must outlive the result.
Expected<std::unique_ptr<LoadedPlugin>, std::string> instantiate(const CheckedComponent& checked,
                                                                 const config::PluginConfig& config,
                                                                 const HostEnv& env);

}  // namespace sensorhost::plugins
