#include "tools/component_tool.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <ostream>

#include "component/component.hpp"
#include "component/plugin_api.hpp"

namespace sensorhost::tools {

using namespace component;
using nlohmann::json;

namespace {

// Fixed samples standing in for the hardware: what `sensors.latest` answers.
std::optional<io::SensorReading> simulated_reading(const std::string& sensor) {
  const auto now = io::WallClock::now();
  if (sensor == "dht22")
    return io::ok_reading("dht22", io::ReadingSource::sim, now,
                          {{"temperature", 21.5, "C"}, {"humidity", 45.0, "%RH"}});
  if (sensor == "bme680")
    return io::ok_reading("bme680", io::ReadingSource::sim, now,
                          {{"temperature", 22.0, "C"}, {"humidity", 40.0, "%RH"}, {"pressure", 1013.25, "hPa"},
                           {"gas_resistance", 120000.0, "ohm"}});
  if (sensor == "cpu") return io::ok_reading("cpu", io::ReadingSource::sim, now, {{"temperature", 48.0, "C"}});
  return std::nullopt;
}

struct Simulation {
  io::LedBuffer leds{8};
  plugin_api::HostCapabilities caps;

  explicit Simulation(std::ostream& err) {
    caps.latest = simulated_reading;
    caps.leds = &leds;
    caps.log = [&err](plugin_api::LogLevel level, const std::string& message) {
      err << "[plugin " << plugin_api::to_string(level) << "] " << message << "\n";
    };
    caps.settings = std::map<std::string, config::SettingValue>{};
    const auto start = std::chrono::steady_clock::now();
    caps.now_ms = [] {
      return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            io::WallClock::now().time_since_epoch())
                                            .count());
    };
    caps.monotonic_ms = [start] {
      return static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
    };
  }
};

// A JSON argument; text that is not JSON is taken as a string (so `hello` works as well
// as `'"hello"'` for string, char and enum parameters).
json parse_arg(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return j.is_discarded() ? json(text) : j;
}

Expected<std::vector<Value>, std::string> parse_args(const InvokeOptions& o, const FuncType& type) {
  if (o.args.size() != type.params.size())
    return unexpected("'" + o.export_name + "' takes " + std::to_string(type.params.size()) + " arguments " +
                      to_wit(type) + ", got " + std::to_string(o.args.size()));
  std::vector<Value> values;
  for (std::size_t i = 0; i < o.args.size(); ++i) {
    auto v = from_json(type.params[i].type, parse_arg(o.args[i]));
    if (!v) return unexpected("argument " + type.params[i].name + ": " + v.error());
    values.push_back(std::move(*v));
  }
  return values;
}

}  // namespace

bool is_component_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::uint8_t head[8] = {};
  in.read(reinterpret_cast<char*>(head), sizeof head);
  return in.gcount() == sizeof head && is_component(head);
}

int inspect_component(const std::string& file, std::uint32_t max_memory_pages, std::ostream& out, std::ostream& err) {
  wasm::Limits limits;
  limits.max_memory_pages = max_memory_pages;
  limits.metering = false;
  auto c = Component::load_file(file, limits);
  if (!c) {
    err << "error: " << c.error().message << "\n";
    return kBadInput;
  }
  out << to_wit((*c)->world(), std::filesystem::path(file).stem().string());
  return kOk;
}

int invoke_component(const InvokeOptions& o, bool echo_imports, std::ostream& out, std::ostream& err) {
  wasm::Limits limits;
  limits.max_memory_pages = o.max_memory_pages;
  auto c = Component::load_file(o.file, limits);
  if (!c) {
    err << "error: " << c.error().message << "\n";
    return kBadInput;
  }
  const auto summary = plugin_api::summarize((*c)->world());
  if (!summary.foreign_imports.empty() && !echo_imports) {
    err << "error: " << o.file << " imports interfaces the host does not provide (--echo-imports stubs them):\n";
    for (const auto& i : summary.foreign_imports) err << "  " << i << "\n";
    return kBadInput;
  }
  Simulation sim(err);
  Linker linker;
  if (auto b = plugin_api::bind(linker, sim.caps); !b) {
    err << "error: " << b.error() << "\n";
    return kBadInput;
  }
  if (echo_imports) define_echo_stubs(linker, **c);
  const std::uint64_t budget = o.fuel.value_or(std::numeric_limits<std::uint64_t>::max());
  auto instance = Instance::instantiate(*c, linker, budget);
  if (!instance) {
    err << "error: " << instance.error().message << "\n";
    return instance.error().trap && instance.error().trap->kind != wasm::TrapKind::link_error ? kTrapped : kBadInput;
  }
  auto func = (*instance)->find_export(o.export_name);
  if (!func) {
    err << "error: " << func.error() << "\n";
    return kBadInput;
  }
  auto args = parse_args(o, func->type());
  if (!args) {
    err << "error: " << args.error() << "\n";
    return kBadInput;
  }
  auto& store = (*instance)->store();
  store.set_fuel(budget);
  auto result = (*instance)->call(*func, *args);
  err << "fuel used: " << budget - store.fuel() << "\n";
  if (!result) {
    err << "trap: " << result.error().to_string() << "\n";
    return kTrapped;
  }
  out << (*result ? to_json(func->type().result, **result).dump() : "null") << "\n";
  return kOk;
}

}  // namespace sensorhost::tools
