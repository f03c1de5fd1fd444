#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "link/discovery.hpp"

using namespace sensorhost;
using namespace sensorhost::link;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const io::WallTime t0 = io::WallTime{} + 1000h;

io::SensorReading reading(std::string node, std::string sensor, std::vector<io::Measurement> values) {
  auto r = io::ok_reading(std::move(sensor), io::ReadingSource::sim, t0, std::move(values));
  r.node = std::move(node);
  return r;
}

// What the hub "hub" has in its snapshot: its own cpu, and a satellite's readings.
std::vector<io::SensorReading> snapshot() {
  return {
      reading("hub", "cpu", {{"temperature", 41.1, "C"}}),
      reading("sat1", "dht22", {{"temperature", 18.9, "C"}, {"humidity", 55.7, "%RH"}}),
      reading("sat1", "bme680",
              {{"temperature", 18.9, "C"},
               {"humidity", 55.7, "%RH"},
               {"pressure", 1011.4, "hPa"},
               {"gas_resistance", 132756.6, "ohm"},
               {"heat_stable", 1.0, "bool"}}),
      io::error_reading("bme680", io::ReadingSource::i2c, t0, "no ACK"),  // no node: the hub's own
  };
}

DiscoveryOptions local_options() {
  DiscoveryOptions o;
  o.hub = "hub";
  o.node = "hub";
  o.node_version = "0.4.0";
  o.origin_version = "0.4.0";
  o.publish_interval = 5000ms;
  return o;
}

DiscoveryOptions remote_options() {
  DiscoveryOptions o = local_options();
  o.node = "sat1";
  o.node_version = "0.3.9";
  return o;
}

// The payload of the message on `topic`, parsed as HA parses it.
json config_on(const std::vector<DiscoveryMessage>& messages, const std::string& topic) {
  for (const auto& m : messages)
    if (m.topic == topic) return json::parse(m.payload);
  ADD_FAILURE() << "no message on " << topic;
  return json::object();
}

}  // namespace

TEST(LinkDiscovery, EntitiesAreTheNodesNumericQuantities) {
  const auto remote = discovery_entities(remote_options(), snapshot());
  EXPECT_EQ(remote, (std::vector<DiscoveryEntity>{{"bme680", "gas_resistance", "ohm"},
                                                  {"bme680", "humidity", "%RH"},
                                                  {"bme680", "pressure", "hPa"},
                                                  {"bme680", "temperature", "C"},
                                                  {"dht22", "humidity", "%RH"},
                                                  {"dht22", "temperature", "C"}}));
  const auto local = discovery_entities(local_options(), snapshot());
  EXPECT_EQ(local, (std::vector<DiscoveryEntity>{{"cpu", "temperature", "C"}}));
}

TEST(LinkDiscovery, EntitiesSkipInvalidNamesAndRepeats) {
  const auto entities = discovery_entities(
      local_options(), {reading("hub", "Bad Sensor", {{"temperature", 1, "C"}}),
                        reading("hub", "cpu", {{"Temp", 1, "C"}, {"temperature", 1, "C"}, {"temperature", 2, "C"}})});
  EXPECT_EQ(entities, (std::vector<DiscoveryEntity>{{"cpu", "temperature", "C"}}));
}

TEST(LinkDiscovery, LocalTemperatureEntityFieldByField) {
  const auto messages = discovery_messages(local_options(), snapshot());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].topic, "homeassistant/sensor/hub_cpu_temperature/config");
  const json c = json::parse(messages[0].payload);
  EXPECT_EQ(c["name"], "cpu temperature");
  EXPECT_EQ(c["unique_id"], "sensorhost_hub_cpu_temperature");
  EXPECT_EQ(c["object_id"], "sensorhost_hub_cpu_temperature");
  EXPECT_EQ(c["default_entity_id"], "sensor.sensorhost_hub_cpu_temperature");
  EXPECT_EQ(c["state_topic"], "sensorhost/hub/reading/cpu");
  EXPECT_EQ(c["value_template"],
            "{{ value_json['values']['temperature']['value'] if 'temperature' in value_json['values'] else None }}");
  EXPECT_EQ(c["unit_of_measurement"], "°C");
  EXPECT_EQ(c["device_class"], "temperature");
  EXPECT_EQ(c["state_class"], "measurement");
  EXPECT_EQ(c["expire_after"], 15);
  EXPECT_EQ(c["availability"], json::parse(R"([{"topic": "sensorhost/hub/status"}])"));
  EXPECT_FALSE(c.contains("availability_mode"));
  EXPECT_EQ(c["device"], json::parse(R"({"identifiers": ["sensorhost-hub"], "name": "hub",
      "manufacturer": "sensorhost", "model": "sensorhost node", "sw_version": "0.4.0"})"));
  EXPECT_EQ(c["origin"], json::parse(R"({"name": "sensorhost", "sw_version": "0.4.0"})"));
  EXPECT_FALSE(c["origin"].contains("url"));
  EXPECT_FALSE(c["origin"].contains("support_url"));
}

TEST(LinkDiscovery, RemoteNodeEntitiesDependOnTheHubToo) {
  const auto messages = discovery_messages(remote_options(), snapshot());
  ASSERT_EQ(messages.size(), 6u);
  const json c = config_on(messages, "homeassistant/sensor/sat1_dht22_humidity/config");
  EXPECT_EQ(c["name"], "dht22 humidity");
  EXPECT_EQ(c["unique_id"], "sensorhost_sat1_dht22_humidity");
  EXPECT_EQ(c["state_topic"], "sensorhost/sat1/reading/dht22");
  EXPECT_EQ(c["unit_of_measurement"], "%");
  EXPECT_EQ(c["device_class"], "humidity");
  EXPECT_EQ(c["availability"],
            json::parse(R"([{"topic": "sensorhost/sat1/status"}, {"topic": "sensorhost/hub/status"}])"));
  EXPECT_EQ(c["availability_mode"], "all");
  EXPECT_EQ(c["device"]["identifiers"], json::array({"sensorhost-sat1"}));
  EXPECT_EQ(c["device"]["name"], "sat1");
  EXPECT_EQ(c["device"]["sw_version"], "0.3.9");
  EXPECT_EQ(c["device"]["via_device"], "sensorhost-hub");
  EXPECT_EQ(c["origin"]["sw_version"], "0.4.0");
}

TEST(LinkDiscovery, UnitsAndDeviceClassesPerQuantity) {
  const auto messages = discovery_messages(remote_options(), snapshot());
  const json pressure = config_on(messages, "homeassistant/sensor/sat1_bme680_pressure/config");
  EXPECT_EQ(pressure["unit_of_measurement"], "hPa");
  EXPECT_EQ(pressure["device_class"], "atmospheric_pressure");
  const json gas = config_on(messages, "homeassistant/sensor/sat1_bme680_gas_resistance/config");
  EXPECT_EQ(gas["name"], "bme680 gas resistance");
  EXPECT_EQ(gas["unit_of_measurement"], "Ω");
  EXPECT_FALSE(gas.contains("device_class"));  // HA has no class for gas resistance
  EXPECT_EQ(gas["state_class"], "measurement");
  EXPECT_EQ(gas["value_template"],
            "{{ value_json['values']['gas_resistance']['value'] if 'gas_resistance' in value_json['values'] else "
            "None }}");
  const json temperature = config_on(messages, "homeassistant/sensor/sat1_bme680_temperature/config");
  EXPECT_EQ(temperature["device_class"], "temperature");
}

TEST(LinkDiscovery, UnitMapping) {
  EXPECT_EQ(ha_unit("C"), "°C");
  EXPECT_EQ(ha_unit("%RH"), "%");
  EXPECT_EQ(ha_unit("hPa"), "hPa");
  EXPECT_EQ(ha_unit("ohm"), "Ω");
  EXPECT_EQ(ha_unit("ppm"), "ppm");
  EXPECT_EQ(ha_device_class("temperature", "°C"), "temperature");
  EXPECT_EQ(ha_device_class("temperature", "K"), "temperature");
  EXPECT_EQ(ha_device_class("temperature", "mV"), "");  // HA would refuse the pair
  EXPECT_EQ(ha_device_class("pressure", "Pa"), "atmospheric_pressure");
  EXPECT_EQ(ha_device_class("gas_resistance", "Ω"), "");
  EXPECT_EQ(ha_device_class("voltage", "V"), "");
}

TEST(LinkDiscovery, UnknownOrMissingUnits) {
  auto options = local_options();
  const auto messages =
      discovery_messages(options, {reading("hub", "adc", {{"level", 3, "mV"}, {"count", 7, ""}})});
  const json level = config_on(messages, "homeassistant/sensor/hub_adc_level/config");
  EXPECT_EQ(level["unit_of_measurement"], "mV");
  EXPECT_FALSE(level.contains("device_class"));
  const json count = config_on(messages, "homeassistant/sensor/hub_adc_count/config");
  EXPECT_FALSE(count.contains("unit_of_measurement"));
}

TEST(LinkDiscovery, ExpireAfterIsThreeIntervalsAtLeastOneSecond) {
  const auto expire_after = [](std::chrono::milliseconds interval) {
    auto options = local_options();
    options.publish_interval = interval;
    return json::parse(discovery_messages(options, snapshot()).at(0).payload)["expire_after"].get<long long>();
  };
  EXPECT_EQ(expire_after(5000ms), 15);
  EXPECT_EQ(expire_after(1500ms), 5);
  EXPECT_EQ(expire_after(100ms), 1);
  EXPECT_EQ(expire_after(0ms), 1);
}

TEST(LinkDiscovery, EntityIdsAreSluggedLikeHomeAssistants) {
  const DiscoveryEntity e{"dht22", "temperature", "C"};
  EXPECT_EQ(discovery_unique_id("pi-zero", e), "sensorhost_pi-zero_dht22_temperature");
  EXPECT_EQ(discovery_object_id("pi-zero", e), "sensorhost_pi_zero_dht22_temperature");
  EXPECT_EQ(discovery_object_id("-a__b-", e), "sensorhost_a_b_dht22_temperature");
  auto options = local_options();
  options.hub = options.node = "pi-zero";
  const auto messages = discovery_messages(options, {reading("pi-zero", "dht22", {{"temperature", 1, "C"}})});
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].topic, "homeassistant/sensor/pi-zero_dht22_temperature/config");
  const json c = json::parse(messages[0].payload);
  EXPECT_EQ(c["default_entity_id"], "sensor.sensorhost_pi_zero_dht22_temperature");
  EXPECT_EQ(c["device"]["identifiers"], json::array({"sensorhost-pi-zero"}));
}

TEST(LinkDiscovery, CustomPrefixes) {
  auto options = remote_options();
  options.discovery_prefix = "ha";
  options.topic_prefix = "site/sensorhost";
  const auto messages = discovery_messages(options, snapshot());
  const json c = config_on(messages, "ha/sensor/sat1_dht22_temperature/config");
  EXPECT_EQ(c["state_topic"], "site/sensorhost/sat1/reading/dht22");
  EXPECT_EQ(c["availability"][1]["topic"], "site/sensorhost/hub/status");
}

TEST(LinkDiscovery, RemovalsAreEmptyPayloadsOnTheSameTopics) {
  const auto entities = discovery_entities(remote_options(), snapshot());
  const auto configs = discovery_messages(remote_options(), entities);
  const auto removals = discovery_removals(remote_options(), entities);
  ASSERT_EQ(removals.size(), configs.size());
  for (std::size_t i = 0; i < removals.size(); ++i) {
    EXPECT_EQ(removals[i].topic, configs[i].topic);
    EXPECT_TRUE(removals[i].payload.empty());
  }
}
