#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "link/messages.hpp"

using namespace sensorhost;
using namespace sensorhost::link;
using namespace std::chrono_literals;
using Json = nlohmann::ordered_json;

namespace {

const WallTime t0 = from_unix_ms(1'700'000'000'000);

io::SensorReading bme680() {
  auto r = io::ok_reading("bme680", io::ReadingSource::i2c, t0,
                          {{"temperature", 21.5, "C"},
                           {"humidity", 45.25, "%RH"},
                           {"pressure", 1013.2, "hPa"},
                           {"gas_resistance", 123456.7, "ohm"},
                           {"heat_stable", 1.0, "bool"}});
  r.node = "sat1";
  return r;
}

plugins::PluginStatus dht22_plugin() {
  plugins::PluginStatus s;
  s.name = "dht22";
  s.state = plugins::PluginState::running;
  s.role = "sensor-logic";
  s.version = "0123456789abcdef";
  s.last_message = "21.5 C comfortable";
  s.last_error = "trap: unreachable";
  s.calls = 120;
  s.failures = 2;
  return s;
}

NodeInfo sat1_info() {
  return NodeInfo{"sat1", "0.4.0-3-gabc123", "http://sat1.local:8080/", 5000ms, "9f3a0c1d2e4b5a6f", t0 - 1h};
}

// A valid payload with one field replaced (`value`) or removed (nullopt).
std::string patched(const std::string& payload, const Json::json_pointer& where, std::optional<Json> value) {
  Json doc = Json::parse(payload);
  if (value) doc[where] = *value;
  else doc[where.parent_pointer()].erase(where.back());
  return doc.dump();
}

struct Refusal {
  std::string payload;
  std::string error;
};

template <class Decode>
void expect_refusals(const std::vector<Refusal>& cases, Decode decode) {
  for (const auto& c : cases) {
    const auto result = decode(c.payload);
    ASSERT_FALSE(result.has_value()) << c.payload;
    EXPECT_EQ(result.error(), c.error) << c.payload;
  }
}

}  // namespace

TEST(LinkMessages, UnixMilliseconds) {
  EXPECT_EQ(to_unix_ms(from_unix_ms(1'700'000'000'123)), 1'700'000'000'123);
  EXPECT_EQ(to_unix_ms(WallTime{}), 0);
}

TEST(LinkMessages, ReadingRoundTrip) {
  const auto payload = encode_reading(bme680(), t0 + 2s);
  const auto decoded = decode_reading(payload, "sat1", "bme680");
  ASSERT_TRUE(decoded.has_value()) << decoded.error();
  const io::SensorReading& r = decoded->reading;
  EXPECT_EQ(r.node, "sat1");
  EXPECT_EQ(r.sensor, "bme680");
  EXPECT_EQ(r.status, io::ReadingStatus::ok);
  EXPECT_EQ(r.source, io::ReadingSource::i2c);
  EXPECT_EQ(r.time, t0);
  EXPECT_EQ(decoded->published, t0 + 2s);
  EXPECT_EQ(r.error, "");
  const auto original = bme680();
  ASSERT_EQ(r.values.size(), original.values.size());
  for (std::size_t i = 0; i < r.values.size(); ++i) {
    EXPECT_EQ(r.values[i].quantity, original.values[i].quantity);
    EXPECT_EQ(r.values[i].value, original.values[i].value);
    EXPECT_EQ(r.values[i].unit, original.values[i].unit);
  }
}

TEST(LinkMessages, ReadingWireFormat) {
  const Json doc = Json::parse(encode_reading(bme680(), t0 + 2s));
  std::vector<std::string> keys;
  for (auto it = doc.begin(); it != doc.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"node", "sensor", "status", "source", "timestamp_ms", "published_ms",
                                            "values", "error"}));
  EXPECT_EQ(doc["timestamp_ms"], 1'700'000'000'000);
  EXPECT_EQ(doc["published_ms"], 1'700'000'002'000);
  EXPECT_EQ(doc["values"]["temperature"], (Json{{"value", 21.5}, {"unit", "C"}}));
}

TEST(LinkMessages, ErrorReadingRoundTrip) {
  auto reading = io::error_reading("dht22", io::ReadingSource::gpiod, t0, "checksum mismatch");
  reading.node = "sat1";
  const auto decoded = decode_reading(encode_reading(reading, t0), "sat1", "dht22");
  ASSERT_TRUE(decoded.has_value()) << decoded.error();
  EXPECT_EQ(decoded->reading.status, io::ReadingStatus::error);
  EXPECT_EQ(decoded->reading.source, io::ReadingSource::gpiod);
  EXPECT_EQ(decoded->reading.error, "checksum mismatch");
  EXPECT_TRUE(decoded->reading.values.empty());
}

TEST(LinkMessages, EncoderKeepsWhatADecoderAccepts) {
  auto reading = bme680();
  reading.status = io::ReadingStatus::stale;
  reading.error = std::string(300, 'x');
  reading.values.push_back({"broken", std::nan(""), "C"});
  reading.values.push_back({"Bad Name", 1.0, "C"});
  reading.values.push_back({"infinite", std::numeric_limits<double>::infinity(), "C"});
  for (int i = 0; i < 40; ++i) reading.values.push_back({"q" + std::to_string(i), 1.0, "x"});
  reading.time = WallTime{} - 1h;  // before the epoch: sent as 0
  const auto decoded = decode_reading(encode_reading(reading, t0), "sat1", "bme680");
  ASSERT_TRUE(decoded.has_value()) << decoded.error();
  EXPECT_EQ(decoded->reading.error, std::string(256, 'x'));
  EXPECT_EQ(decoded->reading.values.size(), max_quantities);
  EXPECT_FALSE(decoded->reading.find("broken"));
  EXPECT_FALSE(decoded->reading.find("infinite"));
  EXPECT_EQ(decoded->reading.time, WallTime{});
}

TEST(LinkMessages, EncoderCutsTextAtACharacterAndReplacesBrokenUtf8) {
  auto reading = bme680();
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\xc3\xa9";  // 400 bytes of 'é'
  reading.error = accents;
  auto decoded = decode_reading(encode_reading(reading, t0), "sat1", "bme680");
  ASSERT_TRUE(decoded.has_value()) << decoded.error();
  EXPECT_EQ(decoded->reading.error, accents.substr(0, 256));

  reading.error = "x" + accents.substr(0, 256);  // 257 bytes: the cut at 256 falls inside a character
  decoded = decode_reading(encode_reading(reading, t0), "sat1", "bme680");
  ASSERT_TRUE(decoded.has_value()) << decoded.error();
  EXPECT_EQ(decoded->reading.error, "x" + accents.substr(0, 254));

  reading.error = "bad \xff byte, overlong \xc0\xaf, surrogate \xed\xa0\x80, cut \xe2\x82";
  decoded = decode_reading(encode_reading(reading, t0), "sat1", "bme680");
  ASSERT_TRUE(decoded.has_value()) << decoded.error();
  EXPECT_EQ(decoded->reading.error, "bad ? byte, overlong ??, surrogate ???, cut ??");
}

TEST(LinkMessages, PluginRoundTrip) {
  const auto decoded = decode_plugin(encode_plugin("sat1", dht22_plugin(), t0), "sat1", "dht22");
  ASSERT_TRUE(decoded.has_value()) << decoded.error();
  EXPECT_EQ(decoded->node, "sat1");
  EXPECT_EQ(decoded->role, "sensor-logic");
  EXPECT_EQ(decoded->published, t0);
  EXPECT_EQ(decoded->plugin.name, "dht22");
  EXPECT_EQ(decoded->plugin.state, "running");
  EXPECT_EQ(decoded->plugin.version, "0123456789abcdef");
  EXPECT_EQ(decoded->plugin.message, "21.5 C comfortable");
  EXPECT_EQ(decoded->plugin.calls, 120u);
  EXPECT_EQ(decoded->plugin.failures, 2u);
}

TEST(LinkMessages, PluginMessageIsTheLastErrorWhileFailing) {
  auto s = dht22_plugin();
  EXPECT_EQ(plugin_message(s), "21.5 C comfortable");
  s.last_call_ok = false;
  EXPECT_EQ(plugin_message(s), "trap: unreachable");
  s.last_call_ok = true;
  s.state = plugins::PluginState::backing_off;
  EXPECT_EQ(plugin_message(s), "trap: unreachable");
  s.state = plugins::PluginState::failed;
  s.last_error.clear();
  EXPECT_EQ(plugin_message(s), "21.5 C comfortable");
  const auto decoded = decode_plugin(encode_plugin("sat1", s, t0), "sat1", "dht22");
  ASSERT_TRUE(decoded.has_value()) << decoded.error();
  EXPECT_EQ(decoded->plugin.state, "failed");
}

TEST(LinkMessages, LedsRoundTrip) {
  const std::vector<bool> leds{true, false, true};
  const auto decoded = decode_leds(encode_leds("sat1", leds, t0), "sat1");
  ASSERT_TRUE(decoded.has_value()) << decoded.error();
  EXPECT_EQ(decoded->node, "sat1");
  EXPECT_EQ(decoded->leds, leds);
  EXPECT_EQ(decoded->published, t0);
  const auto many = decode_leds(encode_leds("sat1", std::vector<bool>(100, true), t0), "sat1");
  ASSERT_TRUE(many.has_value()) << many.error();
  EXPECT_EQ(many->leds.size(), max_leds);
}

TEST(LinkMessages, InfoRoundTrip) {
  const auto decoded = decode_info(encode_info(sat1_info()), "sat1");
  ASSERT_TRUE(decoded.has_value()) << decoded.error();
  EXPECT_EQ(*decoded, sat1_info());
  auto no_dashboard = sat1_info();
  no_dashboard.dashboard.clear();
  EXPECT_EQ(*decode_info(encode_info(no_dashboard), "sat1"), no_dashboard);
}

TEST(LinkMessages, InfoEncoderSendsWhatAHubAccepts) {
  auto info = sat1_info();
  info.version = "0.4.0 (dirty)";
  info.dashboard = "sat1.local:8080";  // no scheme: a hub would refuse it
  const auto decoded = decode_info(encode_info(info), "sat1");
  ASSERT_TRUE(decoded.has_value()) << decoded.error();
  EXPECT_EQ(decoded->version, "0.4.0--dirty-");
  EXPECT_EQ(decoded->dashboard, "");
}

TEST(LinkMessages, Status) {
  EXPECT_EQ(*decode_status("online"), io::NodeState::online);
  EXPECT_EQ(*decode_status("offline"), io::NodeState::offline);
  expect_refusals({{"ONLINE", "status: expected online or offline"},
                   {"online\n", "status: expected online or offline"},
                   {"", "status: expected online or offline"},
                   {"\"online\"", "status: expected online or offline"}},
                  [](const std::string& p) { return decode_status(p); });
}

TEST(LinkMessages, ReadingRefusals) {
  const std::string ok = encode_reading(bme680(), t0);
  const auto at = [&](const char* pointer, std::optional<Json> value) {
    return patched(ok, Json::json_pointer(pointer), std::move(value));
  };
  Json many = Json::object();
  for (int i = 0; i < 33; ++i) many["q" + std::to_string(i)] = Json{{"value", 1}, {"unit", ""}};
  std::string nan_token = ok, huge_token = ok, bad_utf8 = ok;
  nan_token.replace(nan_token.find("21.5"), 4, "NaN");
  huge_token.replace(huge_token.find("21.5"), 4, "1e999");
  bad_utf8.replace(bad_utf8.find("\"C\""), 3, "\"\xff\"");
  expect_refusals(
      {
          {std::string(max_payload_bytes + 1, ' '), "reading: 16385 bytes, more than the limit of 16384"},
          {"{", "reading: not valid JSON"},
          {"", "reading: not valid JSON"},
          {nan_token, "reading: not valid JSON"},
          {huge_token, "reading: not valid JSON"},
          {bad_utf8, "reading: not valid JSON"},
          {"[1]", "reading: expected a JSON object"},
          {"null", "reading: expected a JSON object"},
          {at("/node", std::nullopt), "reading: node: missing"},
          {at("/node", 5), "reading: node: expected a string"},
          {at("/node", "Sat 1"), "reading: node: expected a name ([a-z0-9_-]{1,64})"},
          {at("/node", "sat2"), "reading: node: 'sat2' does not match the topic's 'sat1'"},
          {at("/sensor", "dht22"), "reading: sensor: 'dht22' does not match the topic's 'bme680'"},
          {at("/status", "fine"), "reading: status: expected one of ok stale error"},
          {at("/status", Json::array()), "reading: status: expected a string"},
          {at("/source", "usb"), "reading: source: expected one of sim gpiod iio i2c sysfs"},
          {at("/timestamp_ms", -1), "reading: timestamp_ms: expected a non-negative integer"},
          {at("/timestamp_ms", 1.7e12), "reading: timestamp_ms: expected a non-negative integer"},
          {at("/timestamp_ms", "1700000000000"), "reading: timestamp_ms: expected a non-negative integer"},
          {at("/timestamp_ms", 9'999'999'999'999), "reading: timestamp_ms: more than 7258118400000"},
          {at("/published_ms", std::nullopt), "reading: published_ms: missing"},
          {at("/values", Json::array()), "reading: values: expected an object"},
          {at("/values", many), "reading: values: 33 quantities, more than 32"},
          {at("/values/Temp", Json{{"value", 1}, {"unit", "C"}}),
           "reading: values: a quantity name is not [a-z0-9_-]{1,64}"},
          {at("/values/temperature", 21.5), "reading: values.temperature: expected an object"},
          {at("/values/temperature/value", "21.5"), "reading: values.temperature.value: expected a finite number"},
          {at("/values/temperature/value", nullptr), "reading: values.temperature.value: expected a finite number"},
          {at("/values/temperature/value", std::nullopt), "reading: values.temperature.value: missing"},
          {at("/values/temperature/unit", 1), "reading: values.temperature.unit: expected a string"},
          {at("/values/temperature/unit", std::string(257, 'u')),
           "reading: values.temperature.unit: longer than 256 bytes"},
          {at("/error", std::string(257, 'e')), "reading: error: longer than 256 bytes"},
          {at("/error", false), "reading: error: expected a string"},
      },
      [](const std::string& p) { return decode_reading(p, "sat1", "bme680"); });
}

TEST(LinkMessages, ReadingAcceptsIntegerValuesAndUnknownFields) {
  const std::string ok = encode_reading(bme680(), t0);
  auto decoded = decode_reading(patched(ok, Json::json_pointer("/values/temperature/value"), 21), "sat1", "bme680");
  ASSERT_TRUE(decoded.has_value()) << decoded.error();
  EXPECT_EQ(decoded->reading.find("temperature")->value, 21.0);
  decoded = decode_reading(patched(ok, Json::json_pointer("/added_in_a_later_version"), 1), "sat1", "bme680");
  EXPECT_TRUE(decoded.has_value());
}

TEST(LinkMessages, InfoRefusals) {
  const std::string ok = encode_info(sat1_info());
  const auto at = [&](const char* pointer, std::optional<Json> value) {
    return patched(ok, Json::json_pointer(pointer), std::move(value));
  };
  const std::string url_error = "info: dashboard: expected an http:// or https:// URL";
  expect_refusals(
      {
          {"\"sat1\"", "info: expected a JSON object"},
          {at("/node", "sat2"), "info: node: 'sat2' does not match the topic's 'sat1'"},
          {at("/version", "1.0 beta"), "info: version: expected letters, digits and ._+~:-"},
          {at("/version", std::string(65, '1')), "info: version: longer than 64 bytes"},
          {at("/dashboard", "javascript:alert(1)"), url_error},
          {at("/dashboard", "http://x/\"><script>"), url_error},
          {at("/dashboard", "http://x y/"), url_error},
          {at("/dashboard", "http://" + std::string(250, 'x')), "info: dashboard: longer than 256 bytes"},
          {at("/publish_interval_ms", 0), "info: publish_interval_ms: expected at least 1"},
          {at("/publish_interval_ms", 86'400'001), "info: publish_interval_ms: more than 86400000"},
          {at("/publish_interval_ms", 5000.5), "info: publish_interval_ms: expected a non-negative integer"},
          {at("/instance", ""), "info: instance: expected a name ([a-z0-9_-]{1,64})"},
          {at("/started_ms", true), "info: started_ms: expected a non-negative integer"},
      },
      [](const std::string& p) { return decode_info(p, "sat1"); });
}

TEST(LinkMessages, PluginRefusals) {
  const std::string ok = encode_plugin("sat1", dht22_plugin(), t0);
  const auto at = [&](const char* pointer, std::optional<Json> value) {
    return patched(ok, Json::json_pointer(pointer), std::move(value));
  };
  expect_refusals(
      {
          {at("/plugin", "bme680"), "plugin: plugin: 'bme680' does not match the topic's 'dht22'"},
          {at("/state", 7), "plugin: state: expected a string"},
          {at("/role", "Sensor Logic"), "plugin: role: expected a name ([a-z0-9_-]{1,64})"},
          {at("/version", std::string(65, 'a')), "plugin: version: longer than 64 bytes"},
          {at("/message", std::string(257, 'm')), "plugin: message: longer than 256 bytes"},
          {at("/calls", -1), "plugin: calls: expected a non-negative integer"},
          {at("/failures", 1.0), "plugin: failures: expected a non-negative integer"},
          {at("/published_ms", std::nullopt), "plugin: published_ms: missing"},
      },
      [](const std::string& p) { return decode_plugin(p, "sat1", "dht22"); });
}

TEST(LinkMessages, LedsRefusals) {
  const std::string ok = encode_leds("sat1", {true, false}, t0);
  const auto at = [&](const char* pointer, std::optional<Json> value) {
    return patched(ok, Json::json_pointer(pointer), std::move(value));
  };
  expect_refusals(
      {
          {at("/node", "sat2"), "leds: node: 'sat2' does not match the topic's 'sat1'"},
          {at("/leds", Json::object()), "leds: leds: expected an array"},
          {at("/leds", Json(std::vector<bool>(65, true))), "leds: leds: 65 LEDs, more than 64"},
          {at("/leds/1", 1), "leds: leds[1]: expected true or false"},
          {at("/published_ms", -5), "leds: published_ms: expected a non-negative integer"},
      },
      [](const std::string& p) { return decode_leds(p, "sat1"); });
}

TEST(LinkMessages, ThousandsOfMembersAreRefusedBeforeParsing) {
  std::string many = R"({"node":"sat1","leds":[],"published_ms":1)";
  for (int i = 0; i < 300; ++i) many += ",\"k" + std::to_string(i) + "\":1";
  many += "}";
  const auto decoded = decode_leds(many, "sat1");
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error(), "leds: more than 256 members");
  // A reading with the most quantities allowed is well within the bound.
  auto reading = io::ok_reading("bme680", io::ReadingSource::i2c, t0, {});
  reading.node = "sat1";
  for (std::size_t i = 0; i < max_quantities; ++i) reading.values.push_back({"q" + std::to_string(i), 1.5, "C"});
  const auto full = decode_reading(encode_reading(reading, t0), "sat1", "bme680");
  ASSERT_TRUE(full.has_value()) << full.error();
  EXPECT_EQ(full->reading.values.size(), max_quantities);
}

TEST(LinkMessages, DeepNestingIsRefusedWithoutHarm) {
  const std::string deep = "{\"node\":" + std::string(8000, '[') + std::string(8000, ']') + "}";
  auto decoded = decode_leds(deep, "sat1");
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error(), "leds: nested deeper than 8 levels");
  // Brackets inside strings do not count, escaped quotes do not end a string.
  const std::string ok = encode_leds("sat1", {true}, t0);
  decoded = decode_leds(patched(ok, Json::json_pointer("/note"), "\\\"[[[[[[[[[[[[[[[[[[[["), "sat1");
  EXPECT_TRUE(decoded.has_value());
  decoded = decode_leds(R"({"node":"sat1","x":[[[[[[[[]]]]]]]],"leds":[],"published_ms":1})", "sat1");
  EXPECT_FALSE(decoded.has_value());
}
