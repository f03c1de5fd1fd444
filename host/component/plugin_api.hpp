#pragma once
// Typed C++ facades for the sensorhost:plugin WIT package, on top of the generic layer.
//
// The package is compiled into the host from wit/ (the single source of truth): host
// function signatures and the types of conversions come from it, so the host and the
// plugins cannot disagree silently. A changed WIT that the C++ below does not match
// fails the first bind() with an error naming the function.
//
// Host side:   HostCapabilities + bind(linker, caps)  -> the imports a plugin may use.
// Guest side:  SensorLogic / DashboardRender / StateExport -> typed calls of its exports.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "component/component.hpp"
#include "component/wit.hpp"
#include "config/config.hpp"
#include "io/led.hpp"
#include "io/node.hpp"
#include "io/reading.hpp"

namespace sensorhost::component::plugin_api {

// The package from wit/, parsed once.
const WitPackage& package();
// "sensorhost:plugin/NAME@VERSION" for a short interface name.
std::string interface_name(const std::string& short_name);

enum class LogLevel { trace, debug, info, warn, error };
std::string_view to_string(LogLevel level);

// What the host lends a plugin. An unset member means the capability is not granted:
// its interface is not defined in the linker, so a component importing it is refused
// at instantiation with the list of what is missing.
struct HostCapabilities {
  std::function<std::optional<io::SensorReading>(const std::string& sensor)> latest;  // sensors
  std::function<std::optional<io::SensorReading>(const std::string& node, const std::string& sensor)> latest_of;
  std::function<std::vector<io::NodeStatus>()> nodes;                                // sensors
  io::LedBuffer* leds = nullptr;                                                     // leds
  std::function<void(LogLevel, const std::string&)> log;                             // logging
  std::optional<std::map<std::string, config::SettingValue>> settings;               // settings
  std::function<std::uint64_t()> now_ms;                                             // clock
  std::function<std::uint64_t()> monotonic_ms;                                       // clock
};

// Defines the granted interfaces. `caps` must outlive the instances linked with it.
Expected<Ok, std::string> bind(Linker& linker, const HostCapabilities& caps);

// The short names of the sensorhost:plugin interfaces a world imports / exports, and
// any import from outside our package (full names).
struct WorldSummary {
  std::vector<std::string> imports, exports, foreign_imports;
};
WorldSummary summarize(const World& world);

// Conversions between host values and the package's types.
Value to_value(const io::SensorReading& reading);
Value to_value(const config::SettingValue& setting);
Value to_value(const io::NodeStatus& node);

struct PluginStatus {
  std::string name;
  bool healthy = true;
  std::string message;
};

// One node and its readings, for the dashboard.
struct NodeReadings {
  io::NodeStatus node;
  std::vector<io::SensorReading> readings;
};

// Ok: the plugin's status line; err: the plugin's own failure report.
using PluginResult = Expected<std::string, std::string>;

class SensorLogic {
 public:
  static Expected<SensorLogic, std::string> bind(const Instance& instance);
  Expected<PluginResult, wasm::Trap> poll(Instance& instance, const io::SensorReading& sample) const;

 private:
  ExportFunc poll_;
};

class DashboardRender {
 public:
  static Expected<DashboardRender, std::string> bind(const Instance& instance);
  Expected<PluginResult, wasm::Trap> render(Instance& instance, std::uint64_t generated_ms,
                                            const std::vector<io::SensorReading>& readings,
                                            const std::vector<PluginStatus>& plugins,
                                            const std::vector<NodeReadings>& nodes) const;

 private:
  ExportFunc render_;
};

// The optional snapshot/restore pair; bind() gives nullopt when the component lacks it.
class StateExport {
 public:
  static std::optional<StateExport> bind(const Instance& instance);
  Expected<std::vector<std::uint8_t>, wasm::Trap> snapshot(Instance& instance) const;
  // Ok(Ok) restored; Ok(err) the plugin did not accept the bytes.
  Expected<Expected<Ok, std::string>, wasm::Trap> restore(Instance& instance, const std::vector<std::uint8_t>& data) const;

 private:
  ExportFunc snapshot_, restore_;
};

}  // namespace sensorhost::component::plugin_api
