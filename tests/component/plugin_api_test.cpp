// The typed facades over the four real plugins, built by the pipeline from wit/.
#include <gtest/gtest.h>

#include "component/plugin_api.hpp"
#include "component_test_support.hpp"

namespace sensorhost::component {
namespace {

using namespace plugin_api;

io::SensorReading reading(const std::string& sensor, const std::string& quantity, double value) {
  return io::ok_reading(sensor, io::ReadingSource::sim, io::WallTime(std::chrono::milliseconds(1'700'000'000'000)),
                        {{quantity, value, "C"}});
}

struct Host {
  io::LedBuffer leds{4};
  std::vector<std::string> logs;
  HostCapabilities caps;
  Linker linker;

  explicit Host(bool with_leds = true) {
    if (with_leds) caps.leds = &leds;
    caps.log = [this](LogLevel l, const std::string& m) { logs.push_back(std::string(to_string(l)) + ": " + m); };
    caps.settings = std::map<std::string, config::SettingValue>{{"led", std::int64_t{2}},
                                                                 {"temperature_high_c", 25.0}};
    caps.latest = [](const std::string& s) { return std::optional<io::SensorReading>(reading(s, "temperature", 1)); };
    caps.latest_of = [](const std::string&, const std::string& s) {
      return std::optional<io::SensorReading>(reading(s, "temperature", 1));
    };
    caps.nodes = [] { return std::vector<io::NodeStatus>{}; };
    caps.now_ms = [] { return std::uint64_t{1000}; };
    caps.monotonic_ms = [] { return std::uint64_t{5}; };
    auto b = bind(linker, caps);
    EXPECT_TRUE(b) << (b ? "" : b.error());
  }

  std::unique_ptr<Instance> instantiate(const std::string& plugin) {
    auto c = Component::load_file(test::plugin_component(plugin));
    EXPECT_TRUE(c) << c.error().message;
    if (!c) return nullptr;
    auto inst = Instance::instantiate(*c, linker);
    EXPECT_TRUE(inst) << inst.error().message;
    return inst ? std::move(*inst) : nullptr;
  }
};

TEST(PluginApi, TheEmbeddedPackageIsTheOneInWit) {
  EXPECT_EQ(interface_name("leds"), "sensorhost:plugin/leds@0.1.0");
  EXPECT_NE(package().find_world("dashboard"), nullptr);
}

TEST(PluginApi, WorldsImportOnlyWhatEachPluginNeeds) {
  for (const char* name : {"dht22", "bme680", "pi-monitor", "dashboard"}) {
    auto c = Component::load_file(test::plugin_component(name));
    ASSERT_TRUE(c) << c.error().message;
    const auto s = summarize((*c)->world());
    EXPECT_TRUE(s.foreign_imports.empty()) << name;
    const WitWorld* world = package().find_world(name);
    for (const auto& i : s.imports)
      EXPECT_TRUE(i == "types" || std::count(world->imports.begin(), world->imports.end(), interface_name(i)))
          << name << " imports " << i << " outside its world";
  }
  auto dash = Component::load_file(test::plugin_component("dashboard"));
  const auto s = summarize((*dash)->world());
  EXPECT_EQ(std::count(s.imports.begin(), s.imports.end(), "leds"), 0);
  EXPECT_EQ(s.exports, std::vector<std::string>{"dashboard-render"});
}

TEST(PluginApi, SensorLogicPollDrivesTheLedFromSettings) {
  Host host;
  auto inst = host.instantiate("dht22");
  ASSERT_TRUE(inst);
  auto logic = SensorLogic::bind(*inst);
  ASSERT_TRUE(logic) << logic.error();
  auto hot = logic->poll(*inst, reading("dht22", "temperature", 30.0));
  ASSERT_TRUE(hot) << hot.error().to_string();
  ASSERT_TRUE(*hot) << hot->error();
  EXPECT_EQ(hot->value(), "ALARM: 30.0 C above 25.0");
  EXPECT_TRUE(host.leds.get(2));
  auto cool = logic->poll(*inst, reading("dht22", "temperature", 20.0));
  ASSERT_TRUE(cool && *cool);
  EXPECT_FALSE(host.leds.get(2));
  EXPECT_EQ(cool->value(), "20.0 C comfortable (seen 20.0..30.0 C)") << "state lives between calls";
}

TEST(PluginApi, PluginErrorsComeBackAsErrAndSensorErrorsAsStatusLines) {
  Host host;
  auto inst = host.instantiate("pi-monitor");
  ASSERT_TRUE(inst);
  auto logic = SensorLogic::bind(*inst);
  ASSERT_TRUE(logic);
  auto r = logic->poll(*inst, reading("cpu", "load", 1));
  ASSERT_TRUE(r);
  ASSERT_FALSE(*r);
  EXPECT_EQ(r->error(), "reading of sensor \"cpu\" has no temperature");
  // A failed sensor read is no plugin failure: the plugin keeps its state and says why.
  auto e = logic->poll(*inst, io::error_reading("cpu", io::ReadingSource::sysfs, io::WallTime{}, "no zone"));
  ASSERT_TRUE(e && *e);
  EXPECT_EQ(e->value(), "sensor error: no zone; alarm kept off");
}

TEST(PluginApi, SnapshotAndRestoreCarryStateToANewInstance) {
  Host host;
  auto old_inst = host.instantiate("bme680");
  ASSERT_TRUE(old_inst);
  auto logic = SensorLogic::bind(*old_inst);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(logic->poll(*old_inst, reading("bme680", "gas_resistance", 90000)));
  auto state = StateExport::bind(*old_inst);
  ASSERT_TRUE(state);
  auto bytes = state->snapshot(*old_inst);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(std::string(bytes->begin(), bytes->begin() + 4), "BME6") << "a tagged, versioned snapshot";

  auto fresh = host.instantiate("bme680");
  auto restored = StateExport::bind(*fresh)->restore(*fresh, *bytes);
  ASSERT_TRUE(restored && *restored);
  auto again = StateExport::bind(*fresh)->snapshot(*fresh);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *bytes) << "the state crossed";
  auto refused = StateExport::bind(*fresh)->restore(*fresh, {1, 2});
  ASSERT_TRUE(refused);
  EXPECT_FALSE(*refused);
}

TEST(PluginApi, DashboardRendersAndHasNoStateExport) {
  Host host;
  auto inst = host.instantiate("dashboard");
  ASSERT_TRUE(inst);
  auto render = DashboardRender::bind(*inst);
  ASSERT_TRUE(render) << render.error();
  io::NodeStatus local;
  local.name = "n1";
  local.local = true;
  local.state = io::NodeState::online;
  const std::vector<io::SensorReading> readings = {reading("dht22", "temperature", 21.5)};
  auto html = render->render(*inst, 1, readings, {{"dht22", true, "ok"}}, {{local, readings}});
  ASSERT_TRUE(html && *html);
  EXPECT_NE(html->value().find("data-sensor=\"dht22\" data-quantity=\"temperature\""), std::string::npos) << html->value();
  EXPECT_NE(html->value().find("data-field=\"value\">21.5</span>"), std::string::npos);
  EXPECT_FALSE(StateExport::bind(*inst));
  EXPECT_FALSE(SensorLogic::bind(*inst));
}

TEST(PluginApi, JcoDummyComponentsLoadLinkAndTrapCleanly) {
  for (const char* world : {"dht22", "bme680", "pi-monitor", "dashboard"}) {
    Host host;
    auto c = Component::load_file(std::string(SENSORHOST_TEST_COMPONENT_DIR) + "/dummy/" + world + ".wasm");
    ASSERT_TRUE(c) << c.error().message;
    // A dummy imports every interface of its world.
    const auto s = summarize((*c)->world());
    EXPECT_EQ(s.imports.size(), package().find_world(world)->imports.size() + 1) << world << " (+ types)";
    auto inst = Instance::instantiate(*c, host.linker);
    ASSERT_TRUE(inst) << inst.error().message;
    for (const auto& name : (*inst)->export_names()) {
      auto f = (*inst)->find_export(name);
      std::vector<Value> args;
      for (const auto& p : f->type().params) args.push_back(test::zero_value(p.type));
      auto r = (*inst)->call(*f, args);
      ASSERT_FALSE(r) << name;
      EXPECT_EQ(r.error().kind, wasm::TrapKind::unreachable) << name << ": " << r.error().to_string();
    }
  }
}

TEST(PluginApi, AnImportWithTheWrongTypesIsRefusedWithBothSignatures) {
  Host host;
  auto c = Component::load_file(std::string(SENSORHOST_TEST_COMPONENT_DIR) + "/wrong-leds.wasm");
  ASSERT_TRUE(c) << c.error().message;
  auto inst = Instance::instantiate(*c, host.linker);
  ASSERT_FALSE(inst);
  const std::string& m = inst.error().message;
  EXPECT_NE(m.find("interface sensorhost:plugin/leds@0.1.0, function set-led"), std::string::npos) << m;
  EXPECT_NE(m.find("the host implements func(index: u32, on: bool) -> result<_, string>"), std::string::npos) << m;
  EXPECT_NE(m.find("the component expects func(index: u8) -> bool"), std::string::npos) << m;
}

TEST(PluginApi, AMissingCapabilityRefusesTheComponent) {
  Host host(/*with_leds=*/false);
  auto c = Component::load_file(test::plugin_component("dht22"));
  ASSERT_TRUE(c);
  auto inst = Instance::instantiate(*c, host.linker);
  ASSERT_FALSE(inst);
  EXPECT_NE(inst.error().message.find("sensorhost:plugin/leds@0.1.0#set-led"), std::string::npos)
      << inst.error().message;
}

}  // namespace
}  // namespace sensorhost::component
