#include "plugins/loaded_plugin.hpp"

#include <algorithm>

#include "platform/log.hpp"

namespace sensorhost::plugins {

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "nothing" : out;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The export a role needs, and the world that provides it.
std::pair<const char*, const char*> role_export(config::PluginRole role) {
  return role == config::PluginRole::dashboard ? std::pair{"dashboard-render", "dashboard"}
                                               : std::pair{"sensor-logic", "dht22, bme680 or pi-monitor"};
}

std::optional<std::string> world_error(const api::WorldSummary& world, const config::PluginConfig& config) {
  const std::string who = "plugins." + config.name + " (" + config.path + "): ";
  if (!world.foreign_imports.empty())
    return who + "the component imports " + joined(world.foreign_imports) +
           ", which sensorhost does not provide (only sensorhost:plugin interfaces are)";
  std::vector<std::string> beyond;
  for (const auto& import : world.imports)
    if (import != "types" && !contains(config.grants, import)) beyond.push_back(import);
  if (!beyond.empty())
    return who + "refused: the component imports " + joined(beyond) + ", beyond its grant [" + joined(config.grants) +
           "]; widen `grants` in host.toml only if the plugin should have that access";
  const auto [needed, worlds] = role_export(config.role);
  if (!contains(world.exports, needed))
    return who + "wrong world: a " + std::string(config.role == config::PluginRole::dashboard ? "dashboard" : "sensor-logic") +
           " plugin must export " + needed + " (world " + worlds + "), this component exports " +
           joined(world.exports);
  return std::nullopt;
}

// Fills in the capabilities the grant allows; the others stay unset (not linked).
void lend_capabilities(LoadedPlugin& p, const config::PluginConfig& config, const HostEnv& env) {
  const std::string name = config.name;
  const auto granted = [&](const char* c) { return contains(config.grants, c); };
  if (granted("sensors")) {
    p.caps.latest = env.latest;
    p.caps.latest_of = env.latest_of;
    p.caps.nodes = env.nodes;
  }
  if (granted("leds")) p.caps.leds = &p.leds;
  if (granted("logging"))
    p.caps.log = [name](api::LogLevel level, const std::string& message) {
      static constexpr log::Level levels[] = {log::Level::trace, log::Level::debug, log::Level::info,
                                              log::Level::warning, log::Level::error};
      log::write(levels[static_cast<int>(level)], message, {.plugin = name, .sensor = {}});
    };
  if (granted("settings")) p.caps.settings = plugin_settings(config);
  if (granted("clock")) {
    p.caps.now_ms = [&env] {
      return static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(env.wall_now().time_since_epoch()).count());
    };
    p.caps.monotonic_ms = [&env] {
      return static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(env.steady_now().time_since_epoch()).count());
    };
  }
}

Expected<Ok, std::string> bind_exports(LoadedPlugin& p, config::PluginRole role) {
  if (role == config::PluginRole::dashboard) {
    auto render = api::DashboardRender::bind(*p.instance);
    if (!render) return unexpected(render.error());
    p.dashboard = std::move(*render);
  } else {
    auto poll = api::SensorLogic::bind(*p.instance);
    if (!poll) return unexpected(poll.error());
    p.sensor_logic = std::move(*poll);
  }
  p.state = api::StateExport::bind(*p.instance);
  return Ok{};
}

}  // namespace

Expected<CheckedComponent, std::string> check_component(const std::vector<std::uint8_t>& bytes,
                                                        const config::PluginConfig& config) {
  wasm::Limits limits;
  limits.max_memory_pages = config.memory_pages;
  auto component = component::Component::load(bytes, config.path, limits);
  if (!component) return unexpected("plugins." + config.name + ": " + component.error().message);
  if (auto error = world_error(api::summarize((*component)->world()), config)) return unexpected(*error);
  return CheckedComponent{std::move(*component), content_hash(bytes), {}};
}

std::map<std::string, config::SettingValue> plugin_settings(const config::PluginConfig& config) {
  auto settings = config.settings;
  if (config.led && !settings.count("led")) settings["led"] = static_cast<std::int64_t>(*config.led);
  return settings;
}

Expected<std::unique_ptr<LoadedPlugin>, std::string> instantiate(const CheckedComponent& checked,
                                                                 const config::PluginConfig& config,
                                                                 const HostEnv& env) {
  const std::string who = "plugins." + config.name + " (" + config.path + "): ";
  auto p = std::make_unique<LoadedPlugin>();
  p->checked = checked;
  p->loaded_at = env.wall_now();
  lend_capabilities(*p, config, env);
  if (auto bound = api::bind(p->linker, p->caps); !bound) return unexpected(who + bound.error());
  auto instance = component::Instance::instantiate(checked.component, p->linker, config.fuel);
  if (!instance) {
    const auto& failure = instance.error();
    return unexpected(who + (failure.trap ? "trapped while starting: " + failure.trap->to_string() : failure.message));
  }
  p->instance = std::move(*instance);
  if (auto bound = bind_exports(*p, config.role); !bound) return unexpected(who + bound.error());
  return p;
}

}  // namespace sensorhost::plugins
