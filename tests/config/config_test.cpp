#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include "config/loader.hpp"

using namespace sensorhost::config;
using ::testing::HasSubstr;

namespace {

Config parse_ok(const std::string& text) {
  auto result = parse_config(text, "test.toml");
  EXPECT_TRUE(result.has_value()) << (result ? "" : format_errors(result.error()));
  return result ? *result : Config{};
}

ConfigErrors parse_bad(const std::string& text) {
  auto result = parse_config(text, "test.toml");
  EXPECT_FALSE(result.has_value()) << "expected the config to be refused";
  return result ? ConfigErrors{} : result.error();
}

std::string one_error(const std::string& text) {
  auto errors = parse_bad(text);
  EXPECT_EQ(errors.size(), 1u) << format_errors(errors);
  return errors.empty() ? "" : errors.front().to_string();
}

}  // namespace

TEST(Config, EmptyFileGivesDefaults) {
  Config c = parse_ok("");
  EXPECT_EQ(c.polling.interval, std::chrono::milliseconds(2000));
  EXPECT_EQ(c.hardware.mode, HardwareMode::auto_detect);
  EXPECT_EQ(c.dht22.pin, 4u);
  EXPECT_EQ(c.bme680.address, 0x76);
  EXPECT_EQ(c.web.port, 8080);
  EXPECT_TRUE(c.plugins.empty());
}

TEST(Config, IntervalAcceptsSecondsAndUnits) {
  EXPECT_EQ(parse_ok("[polling]\ninterval = 5").polling.interval, std::chrono::milliseconds(5000));
  EXPECT_EQ(parse_ok("[polling]\ninterval = 0.25").polling.interval, std::chrono::milliseconds(250));
  EXPECT_EQ(parse_ok("[polling]\ninterval = \"100ms\"").polling.interval, std::chrono::milliseconds(100));
  EXPECT_EQ(parse_ok("[polling]\ninterval = \"1.5s\"").polling.interval, std::chrono::milliseconds(1500));
}

TEST(Config, NegativeIntervalNamesLineColumnAndKey) {
  auto message = one_error("[polling]\ninterval = -1\n");
  EXPECT_EQ(message.rfind("test.toml:2:1: polling.interval: expected a positive duration", 0), 0u) << message;
  EXPECT_THAT(message, HasSubstr("found -1"));
}

TEST(Config, IntervalWithUnknownUnitIsRefused) {
  EXPECT_THAT(one_error("[polling]\ninterval = \"2 minutes\""), HasSubstr("polling.interval"));
}

TEST(Config, MisspelledKeySuggestsTheKnownOne) {
  auto message = one_error("[polling]\nintervall = 2\n");
  EXPECT_EQ(message, "test.toml:2:1: polling.intervall: unknown key 'intervall'; did you mean 'interval'?");
}

TEST(Config, MisspelledSectionSuggestsTheKnownOne) {
  auto message = one_error("[sensor.dht22]\npin = 4\n");
  EXPECT_THAT(message, HasSubstr("unknown key 'sensor'; did you mean 'sensors'?"));
}

TEST(Config, UnknownKeyWithoutNeighbourListsKnownKeys) {
  auto message = one_error("[web]\nfrobnicate = true\n");
  EXPECT_THAT(message, HasSubstr("known keys here: history_retention, listen, port, token"));
}

TEST(Config, StringWhereNumberBelongs) {
  auto message = one_error("[sensors.dht22]\npin = \"four\"\n");
  EXPECT_EQ(message, "test.toml:2:1: sensors.dht22.pin: expected an integer, found a string");
}

TEST(Config, KeyColumnPointsAtIndentedKey) {
  auto errors = parse_bad("[web]\n   port = 65536\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 2u);
  EXPECT_EQ(errors[0].column, 4u);
  EXPECT_THAT(errors[0].message, HasSubstr("from 0 to 65535"));
}

TEST(Config, EveryErrorIsReportedNotJustTheFirst) {
  auto errors = parse_bad("[web]\nport = 70000\n[logging]\nlevel = \"loud\"\n[hardware]\nmode = 3\n");
  ASSERT_EQ(errors.size(), 3u) << format_errors(errors);
  EXPECT_EQ(errors[0].key, "hardware.mode");
  EXPECT_THAT(format_errors(errors), HasSubstr("expected one of \"trace\", \"debug\", \"info\", \"warning\", \"error\""));
}

TEST(Config, SyntaxErrorNamesTheLine) {
  auto errors = parse_bad("[polling]\ninterval = = 2\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 2u);
  EXPECT_THAT(errors[0].message, HasSubstr("TOML syntax error"));
}

TEST(Config, Bme680AddressMustBeOneOfTwo) {
  EXPECT_EQ(parse_ok("[sensors.bme680]\naddress = 0x77").bme680.address, 0x77);
  EXPECT_THAT(one_error("[sensors.bme680]\naddress = 0x40"), HasSubstr("expected 0x76 or 0x77"));
}

TEST(Config, LedPinsMustBeUniqueLineNumbers) {
  EXPECT_EQ(parse_ok("[leds]\npins = [17, 27, 22]").leds.pins, (std::vector<unsigned>{17, 27, 22}));
  EXPECT_THAT(one_error("[leds]\npins = [17, 17]"), HasSubstr("GPIO line 17 is listed twice"));
  EXPECT_THAT(one_error("[leds]\npins = [\"a\"]"), HasSubstr("expected GPIO line numbers"));
}

TEST(Config, PluginsKeepFileOrderAndResolvePaths) {
  auto result = parse_config(R"(
[leds]
pins = [17, 27]
[plugins.zeta]
path = "zeta.wasm"
sensor = "bme680"
led = 1
memory = "2MiB"
fuel = 5000
[plugins.zeta.settings]
threshold = 28.5
label = "warm"
[plugins.alpha]
path = "/abs/alpha.wasm"
role = "dashboard"
enabled = false
)", "x.toml", "/etc/sensorhost");
  ASSERT_TRUE(result.has_value()) << format_errors(result.error());
  ASSERT_EQ(result->plugins.size(), 2u);
  const auto& zeta = result->plugins[0];
  EXPECT_EQ(zeta.name, "zeta");
  EXPECT_EQ(zeta.path, "/etc/sensorhost/zeta.wasm");
  EXPECT_EQ(zeta.led, 1u);
  EXPECT_EQ(zeta.memory_pages, 32u);
  EXPECT_EQ(zeta.fuel, 5000u);
  EXPECT_EQ(std::get<double>(zeta.settings.at("threshold")), 28.5);
  EXPECT_EQ(std::get<std::string>(zeta.settings.at("label")), "warm");
  EXPECT_EQ(result->plugins[1].name, "alpha");
  EXPECT_FALSE(result->plugins[1].enabled);
  EXPECT_EQ(result->plugins[1].path, "/abs/alpha.wasm");
  EXPECT_EQ(zeta.sensor, "bme680");
  EXPECT_EQ(zeta.grants, kAllCapabilities);
  EXPECT_EQ(result->plugins[1].role, PluginRole::dashboard);
  EXPECT_EQ(result->plugins[1].grants, (std::vector<std::string>{"logging", "settings", "clock"}));
}

TEST(Config, SensorLogicPluginNamesItsSensor) {
  EXPECT_EQ(parse_ok("[plugins.dht22]\npath = \"d.wasm\"").plugins[0].sensor, "dht22");
  EXPECT_THAT(one_error("[plugins.x]\npath = \"x.wasm\"\n"),
              HasSubstr("plugins.x.sensor: missing: which sensor's readings this plugin's poll() receives"));
  EXPECT_THAT(one_error("[plugins.x]\npath = \"x.wasm\"\nsensor = \"dht11\"\n"), HasSubstr("plugins.x.sensor"));
}

TEST(Config, GrantsNameKnownCapabilities) {
  EXPECT_EQ(parse_ok("[plugins.dht22]\npath = \"d.wasm\"\ngrants = [\"logging\"]").plugins[0].grants,
            (std::vector<std::string>{"logging"}));
  EXPECT_THAT(one_error("[plugins.dht22]\npath = \"d.wasm\"\ngrants = [\"gpio\"]"),
              HasSubstr("plugins.dht22.grants: expected an array of capability names"));
}

TEST(Config, WebTokenAndHistoryRetention) {
  auto web = parse_ok("[web]\ntoken = \"s3cret\"\nhistory_retention = \"90min\"").web;
  EXPECT_EQ(web.token, "s3cret");
  EXPECT_EQ(web.history_retention, std::chrono::minutes(90));
  EXPECT_THAT(one_error("[web]\nhistory_retention = \"5s\""), HasSubstr("web.history_retention: expected a duration"));
}

TEST(Config, PluginWithoutPathIsRefused) {
  EXPECT_THAT(one_error("[plugins.x]\nenabled = true\nsensor = \"cpu\"\n"), HasSubstr("plugins.x.path: missing"));
}

TEST(Config, PluginLedMustExist) {
  EXPECT_THAT(one_error("[leds]\npins = [17]\n[plugins.x]\npath = \"x.wasm\"\nsensor = \"cpu\"\nled = 2\n"),
              HasSubstr("plugins.x.led: LED 2 does not exist: [leds] pins lists 1 LED(s)"));
}

TEST(Config, PluginMemoryNeedsAUnitOrBytes) {
  EXPECT_EQ(parse_ok("[plugins.x]\npath = \"x.wasm\"\nsensor = \"cpu\"\nmemory = 131072").plugins[0].memory_pages, 2u);
  EXPECT_THAT(one_error("[plugins.x]\npath = \"x.wasm\"\nsensor = \"cpu\"\nmemory = \"lots\""), HasSubstr("expected a size from 64KiB"));
}

TEST(Config, SimulationFailureRateIsAShare) {
  EXPECT_DOUBLE_EQ(parse_ok("[simulation]\ndht22_failure_rate = 0.5").simulation.dht22_failure_rate, 0.5);
  EXPECT_THAT(one_error("[simulation]\ndht22_failure_rate = 2"), HasSubstr("expected a number from 0.0 to 1.0"));
}

TEST(Config, RenderedConfigParsesBackToTheSameValues) {
  Config original = parse_ok(R"(
[polling]
interval = "250ms"
[hardware]
mode = "sim"
[leds]
pins = [5, 6]
active_low = true
[web]
token = "t"
history_retention = "2h"
[plugins.p]
path = "/p.wasm"
sensor = "cpu"
grants = ["sensors", "logging"]
led = 1
[plugins.p.settings]
on = true
n = 3
x = 1.0
s = "a \"quoted\" word"
)");
  std::string rendered = render_config(original);
  auto again = parse_config(rendered, "rendered.toml");
  ASSERT_TRUE(again.has_value()) << format_errors(again.error()) << rendered;
  EXPECT_EQ(again->polling.interval, original.polling.interval);
  EXPECT_EQ(again->hardware.mode, HardwareMode::sim);
  EXPECT_EQ(again->leds.pins, original.leds.pins);
  EXPECT_TRUE(again->leds.active_low);
  ASSERT_EQ(again->plugins.size(), 1u);
  EXPECT_EQ(again->plugins[0].settings, original.plugins[0].settings);
  EXPECT_EQ(again->plugins[0].memory_pages, original.plugins[0].memory_pages);
  EXPECT_EQ(again->plugins[0].sensor, "cpu");
  EXPECT_EQ(again->plugins[0].grants, original.plugins[0].grants);
  EXPECT_EQ(again->web.token, "t");
  EXPECT_EQ(again->web.history_retention, std::chrono::hours(2));
}

TEST(Config, ShippedConfigsAreValid) {
  for (const char* file : {"config/host.toml", "config/revpi-gateway.toml", "config/sim.toml", "config/satellite.toml"}) {
    auto result = load_config_file(file);
    EXPECT_TRUE(result.has_value()) << file << ": " << (result ? "" : format_errors(result.error()));
  }
}

TEST(Config, MissingFileSaysSo) {
  auto result = load_config_file("no/such/file.toml");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error()[0].to_string(), "no/such/file.toml: cannot open the file");
}
