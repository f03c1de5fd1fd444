#include "plugin_host.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace sensorhost::plugin_logic {

namespace {

using namespace component;

// Each component is parsed and compiled once per test program.
std::shared_ptr<const Component> component_of(const std::string& plugin) {
  static std::map<std::string, std::shared_ptr<const Component>> loaded;
  auto& c = loaded[plugin];
  if (!c) {
    auto file = Component::load_file(std::string(SENSORHOST_TEST_PLUGIN_DIR) + "/" + plugin + ".wasm");
    if (!file) throw std::runtime_error(file.error().message);
    c = *file;
  }
  return c;
}

// Like the runtime: every call gets the default budget of [plugins.NAME] fuel.
constexpr std::uint64_t kFuelPerCall = 10'000'000;

const io::WallTime kSampleTime{std::chrono::milliseconds(1'700'000'000'000)};

}  // namespace

PluginHost::PluginHost(const std::string& plugin, Settings settings) {
  caps_.leds = &leds;
  caps_.log = [this](plugin_api::LogLevel l, const std::string& m) {
    logs.push_back(std::string(plugin_api::to_string(l)) + ": " + m);
  };
  caps_.settings = std::move(settings);
  caps_.latest = [](const std::string&) { return std::optional<io::SensorReading>(); };
  caps_.now_ms = [] { return std::uint64_t{1'700'000'000'000}; };
  caps_.monotonic_ms = [this] { return monotonic_ms; };
  auto bound = plugin_api::bind(linker_, caps_);
  if (!bound) throw std::runtime_error(bound.error());
  auto inst = Instance::instantiate(component_of(plugin), linker_);
  if (!inst) throw std::runtime_error(inst.error().message);
  instance_ = std::move(*inst);
}

plugin_api::PluginResult PluginHost::poll(const io::SensorReading& sample) {
  auto logic = plugin_api::SensorLogic::bind(*instance_);
  if (!logic) throw std::runtime_error(logic.error());
  instance_->store().set_fuel(kFuelPerCall);
  auto r = logic->poll(*instance_, sample);
  fuel_used_last = kFuelPerCall - instance_->store().fuel();
  if (!r) {
    ADD_FAILURE() << "poll trapped: " << r.error().to_string();
    return unexpected(r.error().to_string());
  }
  return *r;
}

std::string PluginHost::poll_ok(const io::SensorReading& sample) {
  auto r = poll(sample);
  if (!r) {
    ADD_FAILURE() << "poll returned err: " << r.error();
    return "";
  }
  return *r;
}

std::vector<std::uint8_t> PluginHost::snapshot() {
  auto bytes = plugin_api::StateExport::bind(*instance_)->snapshot(*instance_);
  if (!bytes) throw std::runtime_error(bytes.error().to_string());
  return *bytes;
}

Expected<Ok, std::string> PluginHost::restore(const std::vector<std::uint8_t>& bytes) {
  auto r = plugin_api::StateExport::bind(*instance_)->restore(*instance_, bytes);
  if (!r) throw std::runtime_error(r.error().to_string());
  return *r;
}

std::size_t PluginHost::logged(const std::string& text) const {
  return std::count_if(logs.begin(), logs.end(), [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

io::SensorReading dht22_reading(double temperature_c, double humidity_pct) {
  return io::ok_reading("dht22", io::ReadingSource::sim, kSampleTime,
                        {{"temperature", temperature_c, "C"}, {"humidity", humidity_pct, "%RH"}});
}

io::SensorReading bme680_reading(double gas_ohm, double humidity_pct, bool heat_stable) {
  return io::ok_reading("bme680", io::ReadingSource::sim, kSampleTime,
                        {{"temperature", 22.0, "C"},
                         {"humidity", humidity_pct, "%RH"},
                         {"pressure", 1013.0, "hPa"},
                         {"gas_resistance", gas_ohm, "ohm"},
                         {"heat_stable", heat_stable ? 1.0 : 0.0, "bool"}});
}

io::SensorReading cpu_reading(double temperature_c) {
  return io::ok_reading("cpu", io::ReadingSource::sysfs, kSampleTime, {{"temperature", temperature_c, "C"}});
}

io::SensorReading stale(io::SensorReading sample, const std::string& why) {
  sample.status = io::ReadingStatus::stale;
  sample.error = why;
  return sample;
}

io::SensorReading failed(const std::string& sensor, const std::string& why) {
  return io::error_reading(sensor, io::ReadingSource::sim, kSampleTime, why);
}

void reseal(std::vector<std::uint8_t>& snapshot) {
  std::uint32_t h = 2166136261u;
  for (std::size_t i = 16; i < snapshot.size(); ++i) h = (h ^ snapshot[i]) * 16777619u;
  std::memcpy(snapshot.data() + 12, &h, 4);
}

}  // namespace sensorhost::plugin_logic
