// What a node publishes and when (link/publisher), and when it announces itself to Home
// Assistant (link/announcer): pure logic, on data.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "link/announcer.hpp"
#include "link/publisher.hpp"

using namespace sensorhost;
using namespace std::chrono_literals;

namespace {

const io::WallTime t0 = io::WallTime{} + 1'000'000h;

cycle::CycleSnapshot snapshot(io::ReadingStatus dht22_status, std::vector<bool> leds = {false}) {
  cycle::CycleSnapshot s;
  s.node = "n1";
  auto reading = [&](std::string node, std::string sensor, io::ReadingStatus status) {
    auto r = io::ok_reading(std::move(sensor), io::ReadingSource::sim, t0, {{"temperature", 21.0, "C"}});
    r.status = status;
    r.node = std::move(node);
    return r;
  };
  s.readings = {reading("n1", "dht22", dht22_status), reading("n1", "cpu", io::ReadingStatus::ok),
                reading("remote", "dht22", io::ReadingStatus::ok)};
  s.leds = std::move(leds);
  io::NodeStatus local;
  local.name = "n1";
  local.local = true;
  local.state = io::NodeState::online;
  io::NodeStatus remote;
  remote.name = "remote";
  remote.state = io::NodeState::online;
  remote.stale_after = 3s;
  s.nodes = {local, remote};
  return s;
}

link::Publisher publisher() {
  return link::Publisher({.prefix = "sh", .publish_interval = 5s, .info = {.node = "n1", .version = "1.0", .dashboard = "",
                                                                         .publish_interval = 5s, .instance = "i", .started = t0}});
}

std::vector<std::string> topics(const std::vector<link::Outgoing>& out) {
  std::vector<std::string> t;
  for (const auto& m : out) t.push_back(m.topic);
  return t;
}

}  // namespace

TEST(Publisher, ConnectSaysOnlineAndInfoRetainedAtQos1) {
  auto p = publisher();
  auto out = p.on_connect();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].topic, "sh/n1/status");
  EXPECT_EQ(out[0].payload, "online");
  EXPECT_EQ(out[1].topic, "sh/n1/info");
  for (const auto& m : out) {
    EXPECT_EQ(m.qos, 1);
    EXPECT_TRUE(m.retain);
  }
  EXPECT_EQ(p.offline().payload, "offline");
  EXPECT_EQ(p.offline().topic, "sh/n1/status");
}

TEST(Publisher, FirstSnapshotPublishesEverythingLocalOnly) {
  auto p = publisher();
  p.on_connect();
  std::vector<plugins::PluginStatus> plugins(1);
  plugins[0].name = "dht22";
  auto out = p.on_snapshot(snapshot(io::ReadingStatus::ok), &plugins, t0);
  EXPECT_EQ(topics(out), (std::vector<std::string>{"sh/n1/reading/dht22", "sh/n1/reading/cpu", "sh/n1/plugin/dht22", "sh/n1/leds"}));
  for (const auto& m : out) EXPECT_EQ(m.qos, 0) << m.topic;
  auto json = nlohmann::json::parse(out[0].payload);
  EXPECT_EQ(json["node"], "n1");
  EXPECT_EQ(json["values"]["temperature"]["value"], 21.0);
}

TEST(Publisher, NothingBetweenHeartbeatsUnlessAStatusChanges) {
  auto p = publisher();
  p.on_connect();
  p.on_snapshot(snapshot(io::ReadingStatus::ok), nullptr, t0);
  EXPECT_TRUE(p.on_snapshot(snapshot(io::ReadingStatus::ok), nullptr, t0 + 1s).empty());
  EXPECT_EQ(topics(p.on_snapshot(snapshot(io::ReadingStatus::error), nullptr, t0 + 2s)),
            (std::vector<std::string>{"sh/n1/reading/dht22"}));
  EXPECT_EQ(topics(p.on_snapshot(snapshot(io::ReadingStatus::error, {true}), nullptr, t0 + 3s)),
            (std::vector<std::string>{"sh/n1/leds"}));
  EXPECT_EQ(p.on_snapshot(snapshot(io::ReadingStatus::error, {true}), nullptr, t0 + 5s).size(), 3u) << "the heartbeat";
}

TEST(Publisher, PluginStateChangeGoesOutAtOnce) {
  auto p = publisher();
  std::vector<plugins::PluginStatus> plugins(1);
  plugins[0].name = "dht22";
  plugins[0].state = plugins::PluginState::running;
  p.on_snapshot(snapshot(io::ReadingStatus::ok), &plugins, t0);
  plugins[0].calls = 10;  // counters alone wait for the heartbeat
  EXPECT_TRUE(p.on_snapshot(snapshot(io::ReadingStatus::ok), &plugins, t0 + 1s).empty());
  plugins[0].state = plugins::PluginState::backing_off;
  EXPECT_EQ(topics(p.on_snapshot(snapshot(io::ReadingStatus::ok), &plugins, t0 + 2s)),
            (std::vector<std::string>{"sh/n1/plugin/dht22"}));
}

TEST(Publisher, ReconnectRepublishesEverything) {
  auto p = publisher();
  p.on_snapshot(snapshot(io::ReadingStatus::ok), nullptr, t0);
  p.on_connect();
  EXPECT_EQ(p.on_snapshot(snapshot(io::ReadingStatus::ok), nullptr, t0 + 1s).size(), 3u);
}

TEST(Announcer, AnnouncesEachNodesEntitiesOnceThenAgainAfterHomeAssistantsBirth) {
  link::Announcer a({.enabled = true, .discovery_prefix = "homeassistant", .topic_prefix = "sh", .node = "n1",
                     .version = "1.0", .publish_interval = 5s},
                    7);
  auto s = std::make_shared<const cycle::CycleSnapshot>(snapshot(io::ReadingStatus::ok));
  auto first = a.on_snapshot(s);
  ASSERT_EQ(first.size(), 3u) << "n1 dht22 and cpu temperature, remote dht22 temperature";
  for (const auto& m : first) {
    EXPECT_EQ(m.qos, 1);
    EXPECT_TRUE(m.retain);
  }
  auto remote = nlohmann::json::parse(first[2].payload);
  EXPECT_EQ(remote["device"]["via_device"], "sensorhost-n1") << first[2].payload;
  EXPECT_EQ(remote["expire_after"], 3) << "the remote node's own interval: stale_after 3 s / 3 x 3";
  EXPECT_TRUE(a.on_snapshot(s).empty()) << "nothing new";
  EXPECT_FALSE(a.on_message("sh/n1/status", "online", t0));
  EXPECT_TRUE(a.on_message("homeassistant/status", "online", t0));
  EXPECT_TRUE(a.due(t0 + 900ms).empty()) << "the delay is at least 1 s";
  EXPECT_EQ(a.due(t0 + 5s).size(), 3u);
  EXPECT_TRUE(a.due(t0 + 6s).empty()) << "once";
}

TEST(Announcer, DisabledSaysNothing) {
  link::Announcer a({.enabled = false, .discovery_prefix = "homeassistant", .topic_prefix = "sh", .node = "n1",
                     .version = "1.0", .publish_interval = 5s});
  EXPECT_TRUE(a.on_snapshot(std::make_shared<const cycle::CycleSnapshot>(snapshot(io::ReadingStatus::ok))).empty());
  EXPECT_FALSE(a.on_message("homeassistant/status", "online", t0));
}
