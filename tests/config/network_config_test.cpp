// [node] and [mqtt]: identity and the broker link, validated like every other table.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "config/loader.hpp"

using namespace sensorhost::config;
using ::testing::HasSubstr;

namespace {

sensorhost::Expected<Config, ConfigErrors> parse(const std::string& text) {
  return parse_config(text, "test.toml", ::testing::TempDir());
}

std::string first_error(const std::string& text) {
  auto result = parse(text);
  EXPECT_FALSE(result.has_value()) << "expected the config to be refused";
  return result ? std::string() : result.error().front().to_string();
}

}  // namespace

TEST(NodeConfig, NameDefaultsToTheHostNameReduced) {
  EXPECT_EQ(node_name_from_host("Kitchen.Pi 4"), "kitchen-pi-4");
  EXPECT_EQ(node_name_from_host("gw_01"), "gw_01");
  EXPECT_EQ(node_name_from_host(""), "node");
  EXPECT_EQ(node_name_from_host(std::string(100, 'a')).size(), 64u);
  EXPECT_EQ(node_name_from_host("K\xc3\xbc" "che"), "k--che");
  EXPECT_TRUE(valid_node_name(node_name_from_host("Any Host/Name#+")));
  auto c = parse("");
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(valid_node_name(c->node.name)) << c->node.name;
  EXPECT_EQ(c->mqtt.client_id, "sensorhost-" + c->node.name);
}

TEST(NodeConfig, InvalidNameNamesLineAndRule) {
  auto message = first_error("[node]\nname = \"Kitchen Pi\"\n");
  EXPECT_EQ(message.rfind("test.toml:2:1: node.name: expected 1 to 64 characters of a-z, 0-9", 0), 0u) << message;
}

TEST(MqttConfig, DefaultsAreOffAndSane) {
  auto c = parse("[node]\nname = \"n1\"\n");
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->mqtt.enabled);
  EXPECT_EQ(c->mqtt.host, "localhost");
  EXPECT_EQ(c->mqtt.port, 1883);
  EXPECT_EQ(c->mqtt.client_id, "sensorhost-n1");
  EXPECT_EQ(c->mqtt.topic_prefix, "sensorhost");
  EXPECT_EQ(c->mqtt.discovery_prefix, "homeassistant");
  EXPECT_EQ(c->mqtt.publish_interval, std::chrono::seconds(5));
  EXPECT_TRUE(c->mqtt.subscribe.empty());
}

TEST(MqttConfig, BrokerUrlsParse) {
  auto c = parse("[mqtt]\nbroker = \"mqtts://broker.lan\"\nsubscribe = [\"*\"]\nkeepalive = \"10s\"\n");
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->mqtt.tls);
  EXPECT_EQ(c->mqtt.host, "broker.lan");
  EXPECT_EQ(c->mqtt.port, 8883);
  EXPECT_TRUE(c->mqtt.subscribes_all());
  EXPECT_EQ(c->mqtt.keepalive, std::chrono::seconds(10));
  auto v6 = parse("[mqtt]\nbroker = \"mqtt://[::1]:18830\"\n");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->mqtt.host, "::1");
  EXPECT_EQ(v6->mqtt.port, 18830);
}

TEST(MqttConfig, BadBrokerNamesLineAndForm) {
  auto message = first_error("[mqtt]\nenabled = true\nbroker = \"tcp://x:1883\"\n");
  EXPECT_EQ(message.rfind("test.toml:3:1: mqtt.broker: expected \"mqtt://host:port\"", 0), 0u) << message;
  EXPECT_THAT(first_error("[mqtt]\nbroker = \"mqtt://x:99999\"\n"), HasSubstr("mqtt.broker"));
}

TEST(MqttConfig, PasswordNeverSitsInTheFile) {
  EXPECT_THAT(first_error("[mqtt]\npassword = \"secret\"\n"), HasSubstr("mqtt.password: a password never sits in host.toml"));
}

TEST(MqttConfig, PasswordFileIsReadAndMissingOneIsAnError) {
  const std::string path = ::testing::TempDir() + "mqtt-password";
  std::ofstream(path) << "s3cret\n";
  auto c = parse("[mqtt]\nusername = \"u\"\npassword_file = \"mqtt-password\"\n");
  ASSERT_TRUE(c.has_value()) << format_errors(c.error());
  EXPECT_EQ(c->mqtt.password, "s3cret");
  EXPECT_EQ(render_mqtt(c->mqtt).find("s3cret"), std::string::npos) << "the password must never be printed";
  EXPECT_THAT(first_error("[mqtt]\npassword_file = \"no-such-file\"\n"),
              HasSubstr("test.toml:2:1: mqtt.password_file: cannot read the file"));
}

TEST(MqttConfig, SubscribeListIsChecked) {
  EXPECT_THAT(first_error("[mqtt]\nsubscribe = [\"Pi Zero\"]\n"), HasSubstr("mqtt.subscribe: expected an array of node names"));
  EXPECT_THAT(first_error("[mqtt]\nsubscribe = [\"*\", \"a\"]\n"), HasSubstr("\"*\" already means every node"));
  EXPECT_THAT(first_error("[mqtt]\nsubscribe = \"*\"\n"), HasSubstr("found a string"));
}

TEST(MqttConfig, RangesAndPrefixes) {
  EXPECT_THAT(first_error("[mqtt]\npublish_interval = \"10ms\"\n"), HasSubstr("mqtt.publish_interval: expected a duration from 100ms"));
  EXPECT_THAT(first_error("[mqtt]\nkeepalive = 1\n"), HasSubstr("mqtt.keepalive"));
  EXPECT_THAT(first_error("[mqtt]\ntopic_prefix = \"a/#\"\n"), HasSubstr("mqtt.topic_prefix: expected a topic prefix"));
  EXPECT_THAT(first_error("[mqtt]\nhome_asistant = true\n"), HasSubstr("did you mean 'home_assistant'"));
}

TEST(MqttConfig, PluginOfARemoteNodeMustBeHeard) {
  const std::string plugin = "[plugins.p]\npath = \"p.wasm\"\nsensor = \"dht22\"\nnode = \"zero\"\n";
  EXPECT_THAT(first_error(plugin), HasSubstr("plugins.p.node: node zero is not heard"));
  auto c = parse("[mqtt]\nenabled = true\nsubscribe = [\"zero\"]\n" + plugin);
  ASSERT_TRUE(c.has_value()) << format_errors(c.error());
  EXPECT_EQ(c->plugins[0].node, "zero");
}

TEST(MqttConfig, EffectiveConfigRoundTrips) {
  auto c = parse("[node]\nname = \"hub\"\n[mqtt]\nenabled = true\nbroker = \"mqtt://127.0.0.1:1999\"\nsubscribe = [\"a\", \"b\"]\n"
                 "home_assistant = true\npublish_interval = \"2s\"\n");
  ASSERT_TRUE(c.has_value());
  auto again = parse(render_config(*c));
  ASSERT_TRUE(again.has_value()) << render_config(*c) << format_errors(again.error());
  EXPECT_EQ(again->node.name, "hub");
  EXPECT_EQ(render_mqtt(again->mqtt), render_mqtt(c->mqtt));
}
