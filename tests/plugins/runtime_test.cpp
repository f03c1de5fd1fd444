// The plugin runtime end to end, with real components built by the real pipeline:
// counter-v1/v2/stateless and rogue-dashboard (tests/plugins/fixtures) and the four
// shipped plugins. Cycles run on the test thread with injected clocks; the loader runs
// on its own thread and wait_for_loads() joins it where the test needs a load finished.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "config/loader.hpp"
#include "cycle/cycle.hpp"
#include "plugins/runtime.hpp"

namespace sensorhost::plugins {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

const fs::path kComponents = SENSORHOST_TEST_RUNTIME_COMPONENTS;
const fs::path kPlugins = SENSORHOST_TEST_PLUGIN_DIR;

std::vector<std::uint8_t> bytes_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::vector<std::uint8_t>& bytes, std::size_t count) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(count));
}

// Writes a sibling file and renames it over `path`, as `cp` + `mv` or a build tool would.
void replace_atomically(const fs::path& path, const fs::path& source) {
  const fs::path tmp = path.string() + ".tmp";
  fs::copy_file(source, tmp, fs::copy_options::overwrite_existing);
  fs::rename(tmp, path);
}

// The LED hardware as the cycle sees it: every bulk write is recorded.
class RecordingLeds : public io::LedOutput {
 public:
  explicit RecordingLeds(std::size_t count) : count_(count) {}
  bool write(const std::vector<bool>& levels, std::string&) override {
    writes.push_back(levels);
    return true;
  }
  std::size_t count() const override { return count_; }
  std::string describe() const override { return "recording"; }
  std::vector<std::vector<bool>> writes;

 private:
  std::size_t count_;
};

config::PluginConfig counter(const std::string& name, const fs::path& path, unsigned led = 0) {
  config::PluginConfig c;
  c.name = name;
  c.path = path.string();
  c.sensor = "dht22";
  c.led = led;
  c.grants = config::kAllCapabilities;
  c.fuel = 1'000'000;
  return c;
}

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("sensorhost-runtime-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    cycle_.reset();
    runtime_.reset();
    fs::remove_all(dir_);
  }

  // A plugin file of the test's own, starting as a copy of `component`.
  fs::path plugin_file(const std::string& name, const fs::path& component) {
    fs::path path = dir_ / (name + ".wasm");
    fs::copy_file(component, path, fs::copy_options::overwrite_existing);
    return path;
  }

  void start(const std::vector<config::PluginConfig>& plugins, std::chrono::milliseconds settle = 0ms) {
    RuntimeOptions options;
    options.plugins.settle = settle;
    options.wall_now = [this] { return wall_; };
    options.steady_now = [this] { return steady_; };
    runtime_ = std::make_shared<PluginRuntime>(plugins, options);
    runtime_->subscribe([this](const PluginEvent& e) { events_.push_back(e); });
    cycle_ = std::make_unique<cycle::Cycle>(image_, leds_, 1s);
    cycle_->set_plugins({runtime_});
  }

  // One cycle at the current wall time, with a fresh DHT22 reading.
  void step() {
    if (!pin_wall_) wall_ = std::chrono::system_clock::now();
    image_.publish(io::ok_reading("dht22", io::ReadingSource::sim, wall_,
                                  {{"temperature", 21.5, "C"}, {"humidity", 40.0, "%RH"}}));
    cycle_->run_once(wall_);
  }

  // A change is detected at one cycle, loaded off-thread, and running at the next.
  void step_through_reload() {
    step();
    runtime_->wait_for_loads();
    step();
  }

  PluginStatus status(const std::string& name) const {
    for (const auto& s : *runtime_->status())
      if (s.name == name) return s;
    ADD_FAILURE() << "no status for " << name;
    return {};
  }

  bool saw_event(PluginEvent::Kind kind, const std::string& text = "") const {
    for (const auto& e : events_)
      if (e.kind == kind && e.message.find(text) != std::string::npos) return true;
    return false;
  }

  AdminResult admin(const std::string& plugin, AdminAction action) {
    auto reply = runtime_->request(plugin, action);
    step();
    if (action == AdminAction::reload) step_through_reload();
    return reply.get();
  }

  fs::path dir_;
  io::ProcessImage image_;
  RecordingLeds leds_{3};
  io::WallTime wall_ = std::chrono::system_clock::now();
  bool pin_wall_ = false;
  std::chrono::steady_clock::time_point steady_{std::chrono::hours(1)};
  std::shared_ptr<PluginRuntime> runtime_;
  std::unique_ptr<cycle::Cycle> cycle_;
  std::vector<PluginEvent> events_;
};

TEST_F(RuntimeTest, StatePersistsAcrossCycles) {
  start({counter("c", plugin_file("c", kComponents / "counter-v1.wasm"))});
  for (int i = 0; i < 3; ++i) step();
  const auto s = status("c");
  EXPECT_EQ(s.state, PluginState::running);
  EXPECT_EQ(s.last_message, "v1 poll 3 t=21.5");
  EXPECT_EQ(s.calls, 3u);
  EXPECT_GT(s.fuel_used_last, 0u);
  EXPECT_GT(s.memory_bytes, 0u);
  EXPECT_EQ(s.version.size(), 16u);
}

TEST_F(RuntimeTest, AtomicRenameIsPickedUpAtTheNextBoundaryWithItsState) {
  const fs::path path = plugin_file("c", kComponents / "counter-v1.wasm");
  start({counter("c", path)});
  step();
  step();
  const std::string v1 = status("c").version;
  replace_atomically(path, kComponents / "counter-v2.wasm");
  step();  // detects the change and hands it to the loader; v1 still runs this cycle
  EXPECT_EQ(status("c").last_message, "v1 poll 3 t=21.5");
  runtime_->wait_for_loads();
  step();  // swapped in at the boundary
  const auto s = status("c");
  EXPECT_EQ(s.last_message, "v2 poll 4 t=21.5");
  EXPECT_NE(s.version, v1);
  EXPECT_TRUE(s.state_carried);
  EXPECT_TRUE(s.has_previous);
  EXPECT_EQ(s.reloads, 1u);
  EXPECT_TRUE(saw_event(PluginEvent::Kind::reloaded, "state carried over"));
}

TEST_F(RuntimeTest, InPlaceRewriteIsPickedUp) {
  const fs::path path = plugin_file("c", kComponents / "counter-v1.wasm");
  start({counter("c", path)});
  step();
  const auto v2 = bytes_of(kComponents / "counter-v2.wasm");
  write_bytes(path, v2, v2.size());
  step_through_reload();
  EXPECT_EQ(status("c").last_message, "v2 poll 3 t=21.5");
}

TEST_F(RuntimeTest, AFileStillBeingWrittenIsWaitedFor) {
  const fs::path path = plugin_file("c", kComponents / "counter-v1.wasm");
  start({counter("c", path)}, 100ms);
  pin_wall_ = true;  // every change is younger than the settle time at this wall clock
  wall_ = std::chrono::system_clock::now() - 1s;
  step();
  const auto v2 = bytes_of(kComponents / "counter-v2.wasm");
  write_bytes(path, v2, v2.size() / 2);
  step();  // seen once: maybe still being written, so not read yet
  runtime_->wait_for_loads();
  write_bytes(path, v2, v2.size());
  step();  // changed again: still waiting
  runtime_->wait_for_loads();
  EXPECT_EQ(status("c").last_message, "v1 poll 3 t=21.5");
  step();  // unchanged since the last check: settled, loaded
  runtime_->wait_for_loads();
  step();
  EXPECT_EQ(status("c").last_message, "v2 poll 5 t=21.5");
  EXPECT_FALSE(saw_event(PluginEvent::Kind::reload_failed));
}

TEST_F(RuntimeTest, ACorruptFileKeepsTheRunningInstance) {
  const fs::path path = plugin_file("c", kComponents / "counter-v1.wasm");
  start({counter("c", path)});
  step();
  auto garbage = bytes_of(kComponents / "counter-v2.wasm");
  garbage.resize(garbage.size() / 3);
  write_bytes(path, garbage, garbage.size());
  step_through_reload();
  auto s = status("c");
  EXPECT_EQ(s.state, PluginState::running);
  EXPECT_EQ(s.last_message, "v1 poll 3 t=21.5");
  EXPECT_THAT(s.last_error, HasSubstr(path.string()));
  EXPECT_TRUE(saw_event(PluginEvent::Kind::reload_failed, "keeps running"));
  // The next good file is taken.
  replace_atomically(path, kComponents / "counter-v2.wasm");
  step_through_reload();
  EXPECT_EQ(status("c").last_message, "v2 poll 5 t=21.5");
}

TEST_F(RuntimeTest, AWrongWorldFileKeepsTheRunningInstance) {
  const fs::path path = plugin_file("c", kComponents / "counter-v1.wasm");
  start({counter("c", path)});
  step();
  replace_atomically(path, kPlugins / "dashboard.wasm");
  step_through_reload();
  const auto s = status("c");
  EXPECT_EQ(s.last_message, "v1 poll 3 t=21.5");
  EXPECT_THAT(s.last_error, HasSubstr("wrong world: a sensor-logic plugin must export sensor-logic"));
}

TEST_F(RuntimeTest, AVersionThatTrapsWhileStartingKeepsTheRunningInstance) {
  const fs::path path = plugin_file("c", kComponents / "counter-v1.wasm");
  start({counter("c", path)});
  step();
  replace_atomically(path, kComponents / "counter-bad-init.wasm");
  step_through_reload();
  const auto s = status("c");
  EXPECT_EQ(s.state, PluginState::running);
  EXPECT_EQ(s.last_message, "v1 poll 3 t=21.5");
  EXPECT_THAT(s.last_error, HasSubstr("trapped while starting"));
  EXPECT_TRUE(saw_event(PluginEvent::Kind::reload_failed, "keeps running"));
}

TEST_F(RuntimeTest, AVersionWithoutStateStartsFreshAndSaysSo) {
  const fs::path path = plugin_file("c", kComponents / "counter-v1.wasm");
  start({counter("c", path)});
  step();
  step();
  replace_atomically(path, kComponents / "counter-stateless.wasm");
  step_through_reload();
  const auto s = status("c");
  EXPECT_EQ(s.last_message, "stateless poll 1 t=21.5");
  EXPECT_FALSE(s.state_carried);
  EXPECT_TRUE(saw_event(PluginEvent::Kind::reloaded, "started fresh: the new version does not export state"));
}

TEST_F(RuntimeTest, ARestoreThatTrapsLeavesTheNewVersionStartedClean) {
  const fs::path path = plugin_file("c", kComponents / "counter-v1.wasm");
  auto c = counter("c", path);
  c.settings["mode"] = std::int64_t{3};
  start({c});
  step();
  replace_atomically(path, kComponents / "counter-v2.wasm");
  step_through_reload();
  const auto s = status("c");
  EXPECT_EQ(s.last_message, "v2 poll 1 t=21.5");  // a fresh instance, with working host imports
  EXPECT_FALSE(s.state_carried);
  EXPECT_TRUE(leds_.writes.back()[0]);
  EXPECT_TRUE(saw_event(PluginEvent::Kind::reloaded, "started fresh: restore trapped"));
}

TEST_F(RuntimeTest, RollbackReturnsToThePreviousVersionWithTheState) {
  const fs::path path = plugin_file("c", kComponents / "counter-v1.wasm");
  start({counter("c", path)});
  auto refused = admin("c", AdminAction::rollback);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, AdminError::Kind::conflict);
  replace_atomically(path, kComponents / "counter-v2.wasm");
  step_through_reload();
  EXPECT_EQ(status("c").last_message, "v2 poll 3 t=21.5");
  auto rolled = admin("c", AdminAction::rollback);
  ASSERT_TRUE(rolled.has_value()) << rolled.error().reason;
  EXPECT_EQ(status("c").last_message, "v1 poll 4 t=21.5");
  EXPECT_TRUE(saw_event(PluginEvent::Kind::rolled_back));
  // The newer file is still on disk, but it is not loaded again until it changes.
  step();
  runtime_->wait_for_loads();
  step();
  EXPECT_EQ(status("c").last_message, "v1 poll 6 t=21.5");
}

TEST_F(RuntimeTest, ATrappingPluginIsBackedOffWhileTheOthersRun) {
  auto bad = counter("bad", plugin_file("bad", kComponents / "counter-v1.wasm"), 0);
  bad.settings["mode"] = std::int64_t{1};
  start({bad, counter("good", plugin_file("good", kComponents / "counter-v1.wasm"), 1)});
  for (int i = 0; i < 3; ++i) step();
  auto s = status("bad");
  EXPECT_EQ(s.state, PluginState::backing_off);
  EXPECT_EQ(s.failures, 3u);
  EXPECT_THAT(s.last_error, HasSubstr("unreachable"));
  EXPECT_EQ(s.backoff, 1s);
  EXPECT_TRUE(saw_event(PluginEvent::Kind::backing_off, "restart in 1000 ms"));

  steady_ += 999ms;
  step();
  EXPECT_EQ(status("bad").calls, 3u);  // still parked
  steady_ += 1ms;
  step();  // restarted, and traps again
  s = status("bad");
  EXPECT_EQ(s.restarts, 1u);
  EXPECT_EQ(s.calls, 4u);
  step();
  step();
  EXPECT_EQ(status("bad").state, PluginState::backing_off);
  EXPECT_EQ(status("bad").backoff, 2s);

  const auto good = status("good");
  EXPECT_EQ(good.state, PluginState::running);
  EXPECT_EQ(good.calls, 7u);
  EXPECT_EQ(good.failures, 0u);
  EXPECT_EQ(cycle_->latest()->stats.cycles, 7u);
}

TEST_F(RuntimeTest, APluginThatLoopsForeverRunsOutOfFuelAndIsIsolated) {
  auto looping = counter("loop", plugin_file("loop", kComponents / "counter-v1.wasm"), 0);
  looping.settings["mode"] = std::int64_t{2};
  looping.fuel = 200'000;
  start({looping, counter("good", plugin_file("good", kComponents / "counter-v1.wasm"), 1)});
  for (int i = 0; i < 3; ++i) step();
  const auto s = status("loop");
  EXPECT_EQ(s.state, PluginState::backing_off);
  EXPECT_THAT(s.last_error, HasSubstr("fuel"));
  EXPECT_EQ(s.fuel_used_last, 200'000u);
  EXPECT_EQ(status("good").calls, 3u);
}

TEST_F(RuntimeTest, ThreePluginsWritingLedsGiveOneHardwareWritePerCycle) {
  start({counter("a", plugin_file("a", kComponents / "counter-v1.wasm"), 0),
         counter("b", plugin_file("b", kComponents / "counter-v1.wasm"), 1),
         counter("c", plugin_file("c", kComponents / "counter-v2.wasm"), 2)});
  step();
  ASSERT_EQ(leds_.writes.size(), 1u);
  EXPECT_EQ(leds_.writes[0], (std::vector<bool>{true, true, true}));
  step();
  EXPECT_EQ(leds_.writes.size(), 2u);
}

TEST_F(RuntimeTest, ATrappedCallLeavesTheLedsAsTheyWere) {
  auto bad = counter("bad", plugin_file("bad", kComponents / "counter-v1.wasm"), 2);
  bad.settings["mode"] = std::int64_t{1};
  start({bad});
  step();
  EXPECT_EQ(leds_.writes.back(), (std::vector<bool>{false, false, false}));
}

TEST_F(RuntimeTest, TheDashboardWorldIsRefusedLedAccess) {
  config::PluginConfig rogue;
  rogue.name = "dashboard";
  rogue.role = config::PluginRole::dashboard;
  rogue.path = plugin_file("rogue", kComponents / "rogue-dashboard.wasm").string();
  rogue.grants = {"logging", "settings", "clock"};
  start({rogue});
  step();
  const auto s = status("dashboard");
  EXPECT_EQ(s.state, PluginState::failed);
  EXPECT_THAT(s.last_error, HasSubstr("refused: the component imports leds, beyond its grant [logging, settings, clock]"));
  EXPECT_EQ(runtime_->dashboard_html(), nullptr);
  EXPECT_EQ(leds_.writes.back(), (std::vector<bool>{false, false, false}));
}

TEST_F(RuntimeTest, ASensorPluginBeyondItsGrantIsRefused) {
  auto narrow = counter("c", plugin_file("c", kComponents / "counter-v1.wasm"));
  narrow.grants = {"logging", "settings", "clock"};  // the counter never asks for sensors: jco drops that import
  start({narrow});
  EXPECT_THAT(status("c").last_error, HasSubstr("imports leds, beyond its grant"));
}

TEST_F(RuntimeTest, AdminEnableDisableAndUnknownPlugins) {
  start({counter("c", plugin_file("c", kComponents / "counter-v1.wasm"), 1)});
  step();
  EXPECT_TRUE(leds_.writes.back()[1]);
  auto missing = admin("nope", AdminAction::reload);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().kind, AdminError::Kind::not_found);

  ASSERT_TRUE(admin("c", AdminAction::disable).has_value());
  EXPECT_EQ(status("c").state, PluginState::disabled);
  EXPECT_FALSE(leds_.writes.back()[1]);  // a disabled plugin's LED goes dark
  const auto calls = status("c").calls;
  step();
  EXPECT_EQ(status("c").calls, calls);

  ASSERT_TRUE(admin("c", AdminAction::enable).has_value());
  EXPECT_EQ(status("c").state, PluginState::running);
  EXPECT_GT(status("c").calls, calls);

  // An admin disable lasts until host.toml is applied again (SIGHUP).
  ASSERT_TRUE(admin("c", AdminAction::disable).has_value());
  runtime_->apply_config({counter("c", dir_ / "c.wasm", 1)}, cycle_->led_buffer());
  step();
  EXPECT_EQ(status("c").state, PluginState::running);
}

TEST_F(RuntimeTest, AdminReloadLoadsTheFileAgainAndCarriesState) {
  start({counter("c", plugin_file("c", kComponents / "counter-v1.wasm"))});
  step();
  auto reloaded = admin("c", AdminAction::reload);
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().reason;
  EXPECT_THAT(*reloaded, HasSubstr("now runs version"));
  EXPECT_EQ(status("c").reloads, 1u);
  EXPECT_THAT(status("c").last_message, HasSubstr("v1 poll 4"));
}

TEST_F(RuntimeTest, AReloadedConfigurationAddsRemovesAndReconfiguresPlugins) {
  auto a = counter("a", plugin_file("a", kComponents / "counter-v1.wasm"), 0);
  auto b = counter("b", plugin_file("b", kComponents / "counter-v1.wasm"), 1);
  start({a, b});
  step();
  EXPECT_EQ(leds_.writes.back(), (std::vector<bool>{true, true, false}));

  a.settings["led_on"] = std::int64_t{0};  // settings apply in place, state kept
  auto c = counter("c", plugin_file("c", kComponents / "counter-v2.wasm"), 2);
  runtime_->apply_config({a, c}, cycle_->led_buffer());
  runtime_->wait_for_loads();
  step();
  EXPECT_EQ(leds_.writes.back(), (std::vector<bool>{false, false, true}));
  EXPECT_EQ(status("a").last_message, "v1 poll 2 t=21.5");
  EXPECT_EQ(status("c").last_message, "v2 poll 1 t=21.5");
  EXPECT_EQ(runtime_->status()->size(), 2u);
  EXPECT_TRUE(saw_event(PluginEvent::Kind::removed));
}

TEST_F(RuntimeTest, TheFourShippedPluginsRunOnSimulatedReadings) {
  auto loaded = config::load_config_file("config/host.toml");
  ASSERT_TRUE(loaded.has_value());
  auto plugins = loaded->plugins;
  for (auto& p : plugins) p.path = (kPlugins / fs::path(p.path).filename()).string();
  start(plugins);
  for (int i = 0; i < 3; ++i) {
    image_.publish(io::ok_reading("bme680", io::ReadingSource::sim, wall_,
                                  {{"temperature", 22.0, "C"}, {"humidity", 45.0, "%RH"},
                                   {"pressure", 1013.0, "hPa"}, {"gas_resistance", 120000.0, "ohm"}}));
    image_.publish(io::ok_reading("cpu", io::ReadingSource::sim, wall_, {{"temperature", 48.0, "C"}}));
    step();
  }
  for (const auto& s : *runtime_->status()) {
    EXPECT_EQ(s.state, PluginState::running) << s.name << ": " << s.last_error;
    EXPECT_EQ(s.calls, s.name == "dashboard" ? 0u : 3u) << s.name;  // the page renders on demand only
  }
  auto html = runtime_->dashboard_html();
  ASSERT_NE(html, nullptr);
  EXPECT_THAT(*html, HasSubstr("dht22"));
  EXPECT_EQ(runtime_->dashboard_html(), html);  // cached for the cycle
  step();
  EXPECT_NE(runtime_->dashboard_html(), html);
  step();  // status is published by the cycle
  EXPECT_EQ(status("dashboard").calls, 2u);

  ASSERT_TRUE(admin("dashboard", AdminAction::disable).has_value());
  EXPECT_EQ(runtime_->dashboard_html(), nullptr);  // the web server shows its fallback page
}

// A hub: node "sat"'s dht22 arrives through the broker link into the process image.
void hear_remote(io::ProcessImage& image, io::WallTime now, double celsius, io::NodeState state) {
  image.update_node("sat", [&](io::NodeStatus& n) {
    n.state = state;
    n.stale_after = 1h;
    n.last_seen = now;
  });
  auto r = io::ok_reading("dht22", io::ReadingSource::sim, now, {{"temperature", celsius, "C"}});
  r.node = "sat";
  image.publish_remote(r, now);
}

TEST_F(RuntimeTest, AHubPluginReadsAnotherNodesSensorAndKnowsTheNodes) {
  auto c = counter("reader", kComponents / "node-reader.wasm");
  c.settings["node"] = std::string("sat");
  start({c});
  hear_remote(image_, wall_, 19.5, io::NodeState::online);
  step();
  EXPECT_EQ(status("reader").last_message, "nodes=2 remote=yes t=19.5") << status("reader").last_error;
  hear_remote(image_, wall_, 19.5, io::NodeState::offline);
  step();
  EXPECT_EQ(status("reader").last_message, "nodes=2 remote=yes t=19.5 stale");
}

TEST_F(RuntimeTest, APluginConfiguredForARemoteNodePollsThatNodesReading) {
  auto c = counter("remote-counter", kComponents / "counter-v1.wasm");
  c.node = "sat";
  start({c});
  step();
  EXPECT_THAT(status("remote-counter").last_message, HasSubstr("waiting for a dht22 reading from node sat"));
  hear_remote(image_, wall_, 17.0, io::NodeState::online);
  step();
  EXPECT_EQ(status("remote-counter").last_message, "v1 poll 1 t=17.0") << "the local dht22 reads 21.5";
}

}  // namespace
}  // namespace sensorhost::plugins
