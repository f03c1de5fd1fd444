// Several real sensorhost processes on simulated sensors, joined through a real mosquitto
// broker: a satellite publishes, hubs aggregate. Everything is awaited by bounded polls of
// the processes' logs and HTTP APIs.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>

#include "support/broker.hpp"
#include "support/sensorhost_node.hpp"

using namespace sensorhost::testing;
using namespace std::chrono_literals;
using nlohmann::json;


TEST(Multinode, HubShowsTheSatellitesReadingsInItsApiAndDashboard) {
  Broker broker(::testing::TempDir(), "shows");
  Node satellite("shows", {.name = "sat", .broker = broker.url(), .publish_interval = "1s"});
  Node hub("shows", {.name = "hub", .broker = broker.url(), .subscribe = "[\"*\"]", .publish_interval = "1s", .dashboard = true});
  ASSERT_TRUE(satellite.serving() && hub.serving()) << satellite.log() << hub.log();
  ASSERT_TRUE(eventually([&] { return satellite.connects() > 0 && hub.connects() > 0; }, 10s)) << hub.log();
  // Within two publish intervals (plus a hub cycle) of both being connected.
  EXPECT_TRUE(eventually([&] { return shows_ok_reading(hub, "sat"); }, 2s + 200ms)) << hub.get_text("/api/readings");
  auto reading = hub.reading("sat", "dht22");
  ASSERT_TRUE(reading);
  EXPECT_FALSE((*reading)["values"].empty());
  EXPECT_TRUE(hub.reading("hub", "cpu")) << "the hub's own readings stay";
  EXPECT_EQ(hub.node_state("sat"), "online");
  EXPECT_NE(hub.get_text("/").find("sat"), std::string::npos) << "the dashboard names the satellite";
  EXPECT_NE(hub.get_text("/metrics").find("node=\"sat\""), std::string::npos);
  EXPECT_FALSE(satellite.reading("hub", "cpu")) << "a satellite subscribes to nobody";
}

TEST(Multinode, KilledSatelliteGoesOfflineByItsLastWill) {
  Broker broker(::testing::TempDir(), "will");
  Node satellite("will", {.name = "sat", .broker = broker.url(), .keepalive = "5s"});
  Node hub("will", {.name = "hub", .broker = broker.url(), .subscribe = "[\"sat\"]"});
  ASSERT_TRUE(eventually([&] { return shows_ok_reading(hub, "sat"); }, 10s)) << hub.get_text("/api/readings");
  satellite.process().signal(SIGKILL);
  satellite.process().wait();
  // The broker publishes the will after 1.5 keepalive periods without a packet.
  EXPECT_TRUE(eventually([&] { return hub.node_state("sat") == "offline"; }, 7500ms + 500ms)) << hub.get_text("/api/nodes");
  auto reading = hub.reading("sat", "dht22");
  ASSERT_TRUE(reading);
  EXPECT_EQ(reading->value("status", ""), "stale");
  EXPECT_NE(reading->value("error", "").find("offline"), std::string::npos) << *reading;
}

// A frozen node (a power cut, a pulled cable) keeps its TCP connection open but sends
// nothing: the broker gives up after 1.5 keepalive periods and publishes its will. (A
// killed process is quicker: the kernel closes its socket, and the broker publishes the
// will at once.)
TEST(Multinode, FrozenSatelliteTurnsSilentThenOfflineByItsWill) {
  Broker broker(::testing::TempDir(), "frozen");
  Node satellite("frozen", {.name = "sat", .broker = broker.url(), .keepalive = "5s"});
  Node hub("frozen", {.name = "hub", .broker = broker.url(), .subscribe = "[\"sat\"]"});
  ASSERT_TRUE(eventually([&] { return shows_ok_reading(hub, "sat"); }, 10s)) << hub.get_text("/api/readings");
  satellite.process().signal(SIGSTOP);
  const auto stopped = std::chrono::steady_clock::now();
  // The hub notices the silence itself first (3 publish intervals, at least 1 s) ...
  EXPECT_TRUE(eventually([&] { return hub.node_state("sat") == "silent"; }, 2s)) << hub.get_text("/api/nodes");
  // ... then the broker's will says offline: after 1.5 keepalives by the protocol, but
  // mosquitto 2.0 checks keepalives only every few seconds (seen here: 8.5 to 12 s after
  // the last packet with a 5 s keepalive).
  EXPECT_TRUE(eventually([&] { return hub.node_state("sat") == "offline"; }, 15s)) << hub.get_text("/api/nodes");
  EXPECT_GT(std::chrono::steady_clock::now() - stopped, 3s) << "silence, not a closed socket, took it offline";
  satellite.process().signal(SIGKILL);
}

TEST(Multinode, CleanStopGoesOfflineAtOnce) {
  Broker broker(::testing::TempDir(), "clean");
  Node satellite("clean", {.name = "sat", .broker = broker.url(), .keepalive = "60s"});
  Node hub("clean", {.name = "hub", .broker = broker.url(), .subscribe = "[\"*\"]"});
  ASSERT_TRUE(eventually([&] { return shows_ok_reading(hub, "sat"); }, 10s)) << hub.log();
  satellite.process().signal(SIGTERM);
  EXPECT_EQ(satellite.process().wait(), 0);
  // keepalive is 60 s: only our own "offline" can explain a prompt change.
  EXPECT_TRUE(eventually([&] { return hub.node_state("sat") == "offline"; }, 2s)) << hub.get_text("/api/nodes");
}

TEST(Multinode, BothReconnectAfterTheBrokerRestartsAndDataFlowsAgain) {
  Broker broker(::testing::TempDir(), "restart");
  Node satellite("restart", {.name = "sat", .broker = broker.url()});
  Node hub("restart", {.name = "hub", .broker = broker.url(), .subscribe = "[\"*\"]"});
  ASSERT_TRUE(eventually([&] { return shows_ok_reading(hub, "sat"); }, 10s)) << hub.log();
  broker.stop();
  ASSERT_TRUE(satellite.process().wait_for("mqtt: mqtt://127.0.0.1:" + std::to_string(broker.port()) + " lost", 5s))
      << satellite.log();
  ASSERT_TRUE(hub.process().wait_for(" lost: ", 5s)) << hub.log();
  ASSERT_TRUE(broker.start());
  EXPECT_TRUE(eventually([&] { return satellite.connects() >= 2 && hub.connects() >= 2; }, 20s))
      << satellite.log() << hub.log();
  // Fresh data again: a reading published after the restart.
  const auto restarted_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_TRUE(eventually([&] {
    auto r = hub.reading("sat", "dht22");
    return r && r->value("status", "") == "ok" && r->value("time_ms", std::int64_t{0}) > restarted_ms;
  }, 10s)) << hub.get_text("/api/readings");
  EXPECT_TRUE(satellite.process().running() && hub.process().running());
}

TEST(Multinode, BrokerDownAtStartTheServiceRunsAndConnectsWhenItComes) {
  Broker broker(::testing::TempDir(), "downatstart");
  broker.stop();
  Node satellite("downatstart", {.name = "sat", .broker = broker.url()});
  ASSERT_TRUE(satellite.serving()) << satellite.log();
  ASSERT_TRUE(satellite.process().wait_for("unreachable", 5s)) << satellite.log();
  auto health = satellite.get_json("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ((*health)["link"]["state"], "down") << *health;
  EXPECT_EQ((*health)["status"], "ok") << "a broker that is away does not make the node unhealthy";
  EXPECT_TRUE(satellite.reading("sat", "dht22")) << "the node serves its own readings meanwhile";
  ASSERT_TRUE(broker.start());
  EXPECT_TRUE(satellite.process().wait_for("mqtt: connected to", 20s)) << satellite.log();
}

TEST(Multinode, LateHubShowsRetainedReadingsAndOldOnesAsStale) {
  Broker broker(::testing::TempDir(), "late");
  {
    Node gone("late", {.name = "gone", .broker = broker.url(), .publish_interval = "300ms"});
    ASSERT_TRUE(gone.process().wait_for("mqtt: connected to")) << gone.log();
    ASSERT_TRUE(eventually([&] { return gone.log().find("cycle") != std::string::npos; }, 2s));
    std::this_thread::sleep_for(500ms);  // a heartbeat or two goes out (retained)
    gone.process().signal(SIGKILL);      // no clean "offline": only age tells
    gone.process().wait();
  }
  std::this_thread::sleep_for(1200ms);   // older than 3 of its publish intervals (900 ms)
  Node live("late", {.name = "live", .broker = broker.url()});
  ASSERT_TRUE(live.process().wait_for("mqtt: connected to")) << live.log();
  Node hub("late", {.name = "hub", .broker = broker.url(), .subscribe = "[\"*\"]"});
  EXPECT_TRUE(eventually([&] { return shows_ok_reading(hub, "live"); }, 10s)) << hub.get_text("/api/readings");
  EXPECT_TRUE(eventually([&] {
    auto r = hub.reading("gone", "dht22");
    return r && r->value("status", "") == "stale";
  }, 5s)) << hub.get_text("/api/readings");
}

TEST(Multinode, TwoHubsBothShowTheSatellite) {
  Broker broker(::testing::TempDir(), "twohubs");
  Node satellite("twohubs", {.name = "sat", .broker = broker.url()});
  Node first("twohubs", {.name = "hub-a", .broker = broker.url(), .subscribe = "[\"*\"]"});
  Node second("twohubs", {.name = "hub-b", .broker = broker.url(), .subscribe = "[\"sat\"]"});
  EXPECT_TRUE(eventually([&] { return shows_ok_reading(first, "sat") && shows_ok_reading(second, "sat"); }, 10s))
      << first.log() << second.log();
  EXPECT_TRUE(first.reading("hub-b", "cpu")) << "hub-a hears every node, hub-b too";
  EXPECT_FALSE(second.reading("hub-a", "cpu")) << "hub-b hears only sat";
}

TEST(Multinode, NodeNameCollisionIsRefusedAndLogged) {
  Broker broker(::testing::TempDir(), "collide");
  Node first("collide", {.name = "twin", .broker = broker.url(), .subscribe = "[\"*\"]"});
  ASSERT_TRUE(first.process().wait_for("mqtt: connected to")) << first.log();
  Node second("collide-b", {.name = "twin", .broker = broker.url(), .subscribe = "[\"*\"]"});
  // Same node name, same client id: the broker hands the session to the newer connection;
  // the older process sees the newer one's info and says so. The two back off instead of
  // taking the session from each other in a tight loop.
  EXPECT_TRUE(first.process().wait_for("also used by another process", 10s)) << first.log() << second.log();
  std::this_thread::sleep_for(3s);
  const auto connects = first.connects() + second.connects();
  EXPECT_LT(connects, 10u) << "backing off, not flapping\n" << first.log() << second.log();
  EXPECT_TRUE(first.process().running() && second.process().running());
}

namespace {

// Retained messages under `filter`, as mosquitto_sub prints them ("topic payload" lines),
// collected until `count` arrived or 10 s passed.
// Messages under `filter`, as mosquitto_sub prints them ("topic payload" lines), collected
// until `count` arrived or 10 s passed. `fresh_only`: skip the retained copies; `meanwhile`
// runs once the subscriber is listening.
std::vector<std::pair<std::string, std::string>> capture(const Broker& broker, const std::string& filter, int count,
                                                          bool fresh_only = false,
                                                          const std::function<void()>& meanwhile = {}) {
  const std::string path = ::testing::TempDir() + "capture-" + std::to_string(broker.port()) + ".txt";
  std::vector<std::string> args{"-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-t", filter, "-v",
                                "-C", std::to_string(count), "-W", "10"};
  if (fresh_only) args.push_back("-R");
  ChildProcess sub("mosquitto_sub", args, path);
  if (meanwhile) {
    std::this_thread::sleep_for(300ms);  // the subscriber is connected by then; no result rests on it
    meanwhile();
  }
  sub.wait();
  std::vector<std::pair<std::string, std::string>> messages;
  std::istringstream lines(sub.log());
  for (std::string line; std::getline(lines, line);) {
    const auto space = line.find(' ');
    if (space != std::string::npos) messages.emplace_back(line.substr(0, space), line.substr(space + 1));
  }
  return messages;
}

}  // namespace

// Home Assistant reads: the config topic, then unique_id, state_topic + value_template
// (rendered here the way HA's template would pick the value), units, classes,
// availability, device and origin.
TEST(Multinode, HomeAssistantDiscoveryIsCompleteFieldByField) {
  Broker broker(::testing::TempDir(), "discovery");
  Node satellite("discovery", {.name = "sat", .broker = broker.url(), .publish_interval = "1s", .home_assistant = true});
  ASSERT_TRUE(satellite.process().wait_for("mqtt: connected to")) << satellite.log();
  // dht22: temperature, humidity; bme680: temperature, humidity, pressure, gas_resistance; cpu: temperature.
  auto messages = capture(broker, "homeassistant/sensor/+/config", 7);
  ASSERT_EQ(messages.size(), 7u) << satellite.log();
  std::map<std::string, json> by_unique_id;
  for (const auto& [topic, payload] : messages) {
    json config = json::parse(payload, nullptr, false);
    ASSERT_FALSE(config.is_discarded()) << payload;
    const std::string unique_id = config.value("unique_id", "");
    EXPECT_EQ(topic, "homeassistant/sensor/" + unique_id.substr(std::string("sensorhost_").size()) + "/config");
    by_unique_id[unique_id] = config;
    EXPECT_EQ(config["state_class"], "measurement");
    EXPECT_EQ(config["expire_after"], 3);
    EXPECT_EQ(config["availability"][0]["topic"], "sensorhost/sat/status");
    EXPECT_EQ(config["device"]["identifiers"][0], "sensorhost-sat");
    EXPECT_EQ(config["device"]["name"], "sat");
    EXPECT_FALSE(config["device"].contains("via_device")) << "the node announces itself";
    EXPECT_EQ(config["origin"]["name"], "sensorhost");
    EXPECT_TRUE(config.contains("default_entity_id") && config.contains("object_id"));
    EXPECT_EQ(config["state_topic"].get<std::string>().rfind("sensorhost/sat/reading/", 0), 0u);
  }
  const json& temperature = by_unique_id["sensorhost_sat_dht22_temperature"];
  EXPECT_EQ(temperature["device_class"], "temperature");
  EXPECT_EQ(temperature["unit_of_measurement"], "°C");
  EXPECT_EQ(temperature["state_topic"], "sensorhost/sat/reading/dht22");
  EXPECT_NE(temperature["value_template"].get<std::string>().find("['values']['temperature']['value']"), std::string::npos);
  EXPECT_EQ(by_unique_id["sensorhost_sat_dht22_humidity"]["unit_of_measurement"], "%");
  EXPECT_EQ(by_unique_id["sensorhost_sat_bme680_pressure"]["device_class"], "atmospheric_pressure");
  const json& gas = by_unique_id["sensorhost_sat_bme680_gas_resistance"];
  EXPECT_FALSE(gas.contains("device_class")) << "Home Assistant has no class for gas resistance";
  EXPECT_EQ(gas["unit_of_measurement"], "Ω");
  // The state topic carries what the template reads.
  auto state = capture(broker, "sensorhost/sat/reading/dht22", 1);
  ASSERT_EQ(state.size(), 1u);
  json reading = json::parse(state[0].second);
  EXPECT_TRUE(reading["values"]["temperature"]["value"].is_number()) << state[0].second;
}

TEST(Multinode, DiscoveryIsSentAgainWhenHomeAssistantComesOnline) {
  Broker broker(::testing::TempDir(), "birth");
  Node satellite("birth", {.name = "sat", .broker = broker.url(), .home_assistant = true});
  ASSERT_TRUE(satellite.process().wait_for("mqtt: connected to")) << satellite.log();
  ASSERT_EQ(capture(broker, "homeassistant/sensor/+/config", 7).size(), 7u) << "announced once, retained";
  // Only fresh (not retained) copies count: they follow HA's birth message, 1-5 s later.
  auto again = capture(broker, "homeassistant/sensor/+/config", 7, true, [&] {
    ChildProcess("mosquitto_pub", {"-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-t", "homeassistant/status",
                                   "-m", "online"},
                 ::testing::TempDir() + "birth-pub.log")
        .wait();
  });
  EXPECT_EQ(again.size(), 7u) << satellite.log();
}

TEST(Multinode, HubAnnouncesRemoteNodesViaItself) {
  Broker broker(::testing::TempDir(), "via");
  Node satellite("via", {.name = "sat", .broker = broker.url()});
  Node hub("via", {.name = "hub", .broker = broker.url(), .subscribe = "[\"*\"]", .home_assistant = true});
  ASSERT_TRUE(eventually([&] { return shows_ok_reading(hub, "sat"); }, 10s)) << hub.log();
  auto messages = capture(broker, "homeassistant/sensor/sat_dht22_temperature/config", 1);
  ASSERT_EQ(messages.size(), 1u) << hub.log();
  json config = json::parse(messages[0].second);
  EXPECT_EQ(config["device"]["via_device"], "sensorhost-hub");
  EXPECT_EQ(config["availability_mode"], "all");
  EXPECT_EQ(config["availability"].size(), 2u) << "the node's status and the hub's";
}
