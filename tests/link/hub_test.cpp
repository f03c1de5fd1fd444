#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "link/hub.hpp"

using namespace sensorhost;
using namespace sensorhost::link;
using namespace std::chrono_literals;

namespace {

const WallTime t0 = from_unix_ms(1'700'000'000'000);

class HubTest : public ::testing::Test {
 protected:
  static HubOptions defaults() {
    HubOptions o;
    o.prefix = "sensorhost";
    o.local_node = "hub";
    o.local_instance = "aaaa";
    o.subscribe = {"*"};
    o.default_stale_after = 15s;
    return o;
  }

  void reset(HubOptions o) { hub = std::make_unique<Hub>(image, std::move(o)); }

  HandleResult send(const std::string& topic, const std::string& payload, WallTime at, bool retained = false) {
    return hub->handle(topic, payload, retained, at);
  }
  HandleResult status(const std::string& node, const char* state, WallTime at) {
    return send(topics.status(node), state, at);
  }
  HandleResult reading(const std::string& node, const std::string& sensor, double celsius, WallTime published,
                       WallTime at, bool retained = false) {
    auto r = io::ok_reading(sensor, io::ReadingSource::sim, published - 1s, {{"temperature", celsius, "C"}});
    r.node = node;
    return send(topics.reading(node, sensor), encode_reading(r, published), at, retained);
  }
  HandleResult info(const std::string& node, const std::string& instance, std::chrono::milliseconds interval,
                    WallTime at) {
    const NodeInfo i{node, "0.4.0", "http://" + node + ":8080/", interval, instance, t0 - 1h};
    return send(topics.info(node), encode_info(i), at);
  }
  HandleResult plugin(const std::string& node, const std::string& name, std::uint64_t calls, WallTime at) {
    plugins::PluginStatus s;
    s.name = name;
    s.state = plugins::PluginState::running;
    s.role = "sensor-logic";
    s.last_message = "fine";
    s.calls = calls;
    return send(topics.plugin(node, name), encode_plugin(node, s, at), at);
  }

  std::optional<io::SensorReading> reading_of(const std::string& node, const std::string& sensor, WallTime now) {
    const auto readings = image.snapshot(now);
    const auto* r = io::find_reading(readings, node, sensor);
    return r ? std::optional(*r) : std::nullopt;
  }
  std::optional<io::NodeStatus> node_of(const std::string& name, WallTime now) {
    for (auto& n : image.nodes(now))
      if (n.name == name && !n.local) return n;
    return std::nullopt;
  }

  const Topics topics{"sensorhost"};
  io::ProcessImage image{"hub"};
  std::unique_ptr<Hub> hub = std::make_unique<Hub>(image, defaults());
};

}  // namespace

TEST_F(HubTest, ASatellitesReadingReachesTheProcessImage) {
  EXPECT_EQ(status("sat1", "online", t0).verdict, Verdict::accepted);
  const auto result = reading("sat1", "dht22", 21.5, t0, t0);
  EXPECT_EQ(result.verdict, Verdict::accepted);
  EXPECT_EQ(result.node, "sat1");
  const auto r = reading_of("sat1", "dht22", t0 + 1s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, io::ReadingStatus::ok);
  EXPECT_EQ(r->find("temperature")->value, 21.5);
  const auto n = node_of("sat1", t0 + 1s);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->state, io::NodeState::online);
  EXPECT_EQ(n->messages, 2u);
  EXPECT_EQ(n->sensors, 1u);
  EXPECT_EQ(n->last_seen, t0);
  EXPECT_EQ(n->stale_after, 15s);
}

TEST_F(HubTest, OfflineMakesItsReadingsStaleAtOnce) {
  status("sat1", "online", t0);
  reading("sat1", "dht22", 21.5, t0, t0);
  EXPECT_EQ(status("sat1", "offline", t0 + 1s).verdict, Verdict::accepted);
  const auto r = reading_of("sat1", "dht22", t0 + 1s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, io::ReadingStatus::stale);
  EXPECT_EQ(r->error, "node sat1 is offline");
  EXPECT_EQ(r->find("temperature")->value, 21.5);
  const auto n = node_of("sat1", t0 + 1s);
  EXPECT_EQ(n->state, io::NodeState::offline);
  EXPECT_EQ(n->status_since, t0 + 1s);
}

TEST_F(HubTest, SilenceMakesItsReadingsStale) {
  status("sat1", "online", t0);
  reading("sat1", "dht22", 21.5, t0, t0);
  EXPECT_EQ(reading_of("sat1", "dht22", t0 + 14s)->status, io::ReadingStatus::ok);
  const auto r = reading_of("sat1", "dht22", t0 + 16s);
  EXPECT_EQ(r->status, io::ReadingStatus::stale);
  EXPECT_EQ(r->error, "nothing heard from node sat1 for 16 s");
  EXPECT_EQ(node_of("sat1", t0 + 16s)->state, io::NodeState::silent);
  reading("sat1", "dht22", 22.0, t0 + 17s, t0 + 17s);
  EXPECT_EQ(reading_of("sat1", "dht22", t0 + 17s)->status, io::ReadingStatus::ok);
  EXPECT_EQ(node_of("sat1", t0 + 17s)->state, io::NodeState::online);
}

TEST_F(HubTest, InfoSetsAddressVersionAndStaleAfter) {
  status("sat1", "online", t0);
  EXPECT_EQ(info("sat1", "bbbb", 1000ms, t0).verdict, Verdict::accepted);
  reading("sat1", "dht22", 21.5, t0, t0);
  const auto n = node_of("sat1", t0);
  EXPECT_EQ(n->address, "http://sat1:8080/");
  EXPECT_EQ(n->version, "0.4.0");
  EXPECT_EQ(n->stale_after, 3s);
  EXPECT_EQ(reading_of("sat1", "dht22", t0 + 4s)->status, io::ReadingStatus::stale);
  ASSERT_TRUE(hub->info("sat1"));
  EXPECT_EQ(hub->info("sat1")->instance, "bbbb");
  EXPECT_FALSE(hub->info("sat2"));
}

TEST(HubStaleAfter, ThreeIntervalsWithinOneSecondAndOneHour) {
  EXPECT_EQ(stale_after_for(5000ms), 15s);
  EXPECT_EQ(stale_after_for(1ms), 1s);
  EXPECT_EQ(stale_after_for(0ms), 1s);
  EXPECT_EQ(stale_after_for(2h), 1h);
  EXPECT_EQ(stale_after_for(std::chrono::milliseconds::max()), 1h);
}

TEST_F(HubTest, ARetainedOldReadingIsStaleAtOnce) {
  status("sat1", "online", t0);
  EXPECT_EQ(reading("sat1", "dht22", 21.5, t0 - 60s, t0, /*retained=*/true).verdict, Verdict::accepted);
  const auto r = reading_of("sat1", "dht22", t0);
  EXPECT_EQ(r->status, io::ReadingStatus::stale);
  EXPECT_EQ(r->error, "retained reading from 60 s ago");
  EXPECT_EQ(r->find("temperature")->value, 21.5);
}

TEST_F(HubTest, ARetainedRecentReadingIsFresh) {
  reading("sat1", "dht22", 21.5, t0 - 2s, t0, /*retained=*/true);
  EXPECT_EQ(reading_of("sat1", "dht22", t0)->status, io::ReadingStatus::ok);
}

TEST_F(HubTest, ALiveReadingIsNotJudgedByTheSendersClock) {
  reading("sat1", "dht22", 21.5, t0 - 1h, t0);  // a node whose clock is an hour behind
  EXPECT_EQ(reading_of("sat1", "dht22", t0)->status, io::ReadingStatus::ok);
}

TEST_F(HubTest, OurOwnEchoIsIgnored) {
  EXPECT_EQ(status("hub", "online", t0).verdict, Verdict::ignored);
  EXPECT_EQ(reading("hub", "cpu", 40.0, t0, t0).verdict, Verdict::ignored);
  EXPECT_EQ(info("hub", "aaaa", 5000ms, t0).verdict, Verdict::ignored);
  EXPECT_EQ(image.nodes(t0).size(), 1u);
  EXPECT_TRUE(image.snapshot(t0).empty());
  EXPECT_EQ(hub->node_count(), 0u);
  EXPECT_TRUE(hub->collision().empty());
}

TEST_F(HubTest, AnotherProcessUsingOurNameIsACollisionReportedOncePerInstance) {
  auto result = info("hub", "bbbb", 5000ms, t0);
  EXPECT_EQ(result.verdict, Verdict::rejected);
  EXPECT_EQ(result.reject, RejectReason::name_collision);
  EXPECT_TRUE(result.collision);
  EXPECT_EQ(result.reason,
            "node name 'hub' is also used by another process (instance bbbb, version 0.4.0, dashboard "
            "http://hub:8080/)");
  EXPECT_EQ(hub->collision(), result.reason);
  result = info("hub", "bbbb", 5000ms, t0 + 1s);
  EXPECT_EQ(result.reject, RejectReason::name_collision);
  EXPECT_FALSE(result.collision);
  EXPECT_TRUE(info("hub", "cccc", 5000ms, t0 + 2s).collision);
  EXPECT_EQ(hub->counters().rejected_for(RejectReason::name_collision), 3u);
  EXPECT_EQ(image.nodes(t0).size(), 1u);
}

TEST_F(HubTest, OurPreviousRunsRetainedInfoIsNoCollision) {
  auto o = defaults();
  o.local_started = t0;  // the infos info() sends started an hour before
  reset(o);
  const auto result = info("hub", "bbbb", 5000ms, t0);
  EXPECT_EQ(result.verdict, Verdict::ignored);
  EXPECT_FALSE(result.collision);
  EXPECT_TRUE(hub->collision().empty());
}

TEST_F(HubTest, CollisionReportsAreCapped) {
  int reported = 0;
  for (int i = 0; i < 40; ++i) reported += info("hub", "x" + std::to_string(i), 5000ms, t0).collision ? 1 : 0;
  EXPECT_EQ(reported, 16);
  EXPECT_EQ(hub->counters().rejected_for(RejectReason::name_collision), 40u);
}

TEST_F(HubTest, GarbageOnOurOwnInfoTopicIsRejected) {
  const auto result = send(topics.info("hub"), "{}", t0);
  EXPECT_EQ(result.reject, RejectReason::malformed);
  EXPECT_EQ(result.reason, "info: node: missing");
}

TEST_F(HubTest, OnlySubscribedNodesAreTaken) {
  auto o = defaults();
  o.subscribe = {"sat1"};
  reset(o);
  EXPECT_EQ(reading("sat2", "dht22", 1, t0, t0).verdict, Verdict::ignored);
  EXPECT_EQ(reading("sat1", "dht22", 1, t0, t0).verdict, Verdict::accepted);
  EXPECT_TRUE(hub->subscribed("sat1"));
  EXPECT_FALSE(hub->subscribed("sat2"));
  o.subscribe = {};
  reset(o);
  EXPECT_EQ(status("sat1", "online", t0).verdict, Verdict::ignored);
  EXPECT_FALSE(hub->subscribed("hub"));
}

TEST_F(HubTest, EmptyPayloadsAreIgnoredQuietly) {
  const auto result = send(topics.reading("sat1", "dht22"), "", t0, true);
  EXPECT_EQ(result.verdict, Verdict::ignored);
  EXPECT_EQ(hub->node_count(), 0u);
  EXPECT_EQ(hub->counters().rejected, 0u);
}

TEST_F(HubTest, ClearingANodesRetainedStatusRetiresTheNode) {
  reading("sat1", "dht22", 20.0, t0, t0);
  status("sat1", "offline", t0);
  ASSERT_EQ(image.nodes(t0).size(), 2u);
  EXPECT_EQ(send(topics.status("sat1"), "", t0 + 1s, true).verdict, Verdict::ignored);
  EXPECT_EQ(hub->node_count(), 0u);
  EXPECT_EQ(image.nodes(t0).size(), 1u) << "only the hub itself";
  EXPECT_TRUE(image.snapshot(t0).empty());
}

TEST_F(HubTest, TopicsOutsideTheContractAreRejectedAndOthersIgnored) {
  auto result = send("sensorhost/sat1/unknown", "x", t0);
  EXPECT_EQ(result.verdict, Verdict::rejected);
  EXPECT_EQ(result.reject, RejectReason::bad_topic);
  EXPECT_EQ(send("sensorhost/sat1/reading/Bad Name", "{}", t0).reject, RejectReason::bad_topic);
  EXPECT_EQ(send("homeassistant/status", "online", t0).verdict, Verdict::ignored);
  EXPECT_EQ(send("sensorhost", "x", t0).verdict, Verdict::ignored);
  EXPECT_EQ(hub->counters().rejected_for(RejectReason::bad_topic), 2u);
}

TEST_F(HubTest, MalformedMessagesAreCountedOnTheirNode) {
  status("sat1", "online", t0);
  auto result = send(topics.reading("sat1", "dht22"), R"({"node":"sat1"})", t0);
  EXPECT_EQ(result.verdict, Verdict::rejected);
  EXPECT_EQ(result.reject, RejectReason::malformed);
  EXPECT_EQ(result.reason, "reading: sensor: missing");
  result = send(topics.status("sat1"), "maybe", t0);
  EXPECT_EQ(result.reason, "status: expected online or offline");
  const auto n = node_of("sat1", t0);
  EXPECT_EQ(n->rejected, 2u);
  EXPECT_EQ(n->messages, 1u);
  EXPECT_EQ(n->state, io::NodeState::online);
  // A refused message creates no node.
  send(topics.reading("sat9", "dht22"), "garbage", t0);
  EXPECT_FALSE(node_of("sat9", t0));
}

TEST_F(HubTest, NodeLimit) {
  auto o = defaults();
  o.limits.max_nodes = 2;
  reset(o);
  EXPECT_EQ(status("n1", "online", t0).verdict, Verdict::accepted);
  EXPECT_EQ(status("n2", "online", t0).verdict, Verdict::accepted);
  const auto result = status("n3", "online", t0);
  EXPECT_EQ(result.reject, RejectReason::too_many_nodes);
  EXPECT_EQ(result.reason, "already 2 nodes, the limit");
  EXPECT_EQ(reading("n1", "dht22", 1, t0, t0).verdict, Verdict::accepted);
  EXPECT_EQ(image.nodes(t0).size(), 3u);
  hub->forget("n1");
  EXPECT_EQ(image.nodes(t0).size(), 2u);
  EXPECT_EQ(status("n3", "online", t0).verdict, Verdict::accepted);
}

TEST_F(HubTest, SensorLimitPerNode) {
  auto o = defaults();
  o.limits.max_sensors_per_node = 2;
  reset(o);
  EXPECT_EQ(reading("sat1", "s1", 1, t0, t0).verdict, Verdict::accepted);
  EXPECT_EQ(reading("sat1", "s2", 1, t0, t0).verdict, Verdict::accepted);
  const auto result = reading("sat1", "s3", 1, t0, t0);
  EXPECT_EQ(result.reject, RejectReason::too_many_sensors);
  EXPECT_EQ(result.reason, "more than 2 sensors");
  EXPECT_EQ(reading("sat1", "s1", 2, t0, t0).verdict, Verdict::accepted);
  EXPECT_EQ(reading("sat2", "s3", 1, t0, t0).verdict, Verdict::accepted);
  EXPECT_EQ(node_of("sat1", t0)->sensors, 2u);
  EXPECT_EQ(node_of("sat1", t0)->rejected, 1u);
}

TEST_F(HubTest, PluginsAreKeptByNameWithinTheLimit) {
  auto o = defaults();
  o.limits.max_plugins_per_node = 1;
  reset(o);
  EXPECT_EQ(plugin("sat1", "dht22", 1, t0).verdict, Verdict::accepted);
  EXPECT_EQ(plugin("sat1", "dht22", 2, t0).verdict, Verdict::accepted);
  EXPECT_EQ(plugin("sat1", "bme680", 1, t0).reject, RejectReason::too_many_plugins);
  const auto n = node_of("sat1", t0);
  ASSERT_EQ(n->plugins.size(), 1u);
  EXPECT_EQ(n->plugins[0].name, "dht22");
  EXPECT_EQ(n->plugins[0].calls, 2u);
  EXPECT_EQ(n->plugins[0].state, "running");
  EXPECT_EQ(n->plugins[0].message, "fine");
}

TEST_F(HubTest, LedsAreKept) {
  EXPECT_EQ(send(topics.leds("sat1"), encode_leds("sat1", {true, false, true}, t0), t0).verdict, Verdict::accepted);
  EXPECT_EQ(node_of("sat1", t0)->leds, (std::vector<bool>{true, false, true}));
}

TEST_F(HubTest, OversizedPayloadsAreRejectedBeforeParsing) {
  auto o = defaults();
  o.limits.max_payload_bytes = 100;
  reset(o);
  const auto result = reading("sat1", "dht22", 1, t0, t0);
  EXPECT_EQ(result.reject, RejectReason::oversized);
  EXPECT_TRUE(result.reason.ends_with(" bytes, more than the limit of 100")) << result.reason;
  EXPECT_EQ(hub->node_count(), 0u);
}

TEST_F(HubTest, CountersAddUp) {
  status("sat1", "online", t0);              // accepted
  status("hub", "online", t0);               // ignored
  send("sensorhost/x/y/z/w", "1", t0);       // rejected
  send(topics.status("sat1"), "bad", t0);    // rejected
  const auto& c = hub->counters();
  EXPECT_EQ(c.received, 4u);
  EXPECT_EQ(c.accepted, 1u);
  EXPECT_EQ(c.ignored, 1u);
  EXPECT_EQ(c.rejected, 2u);
  EXPECT_EQ(c.rejected_for(RejectReason::bad_topic), 1u);
  EXPECT_EQ(c.rejected_for(RejectReason::malformed), 1u);
}

TEST(HubNames, VerdictsAndReasonsHaveMetricNames) {
  EXPECT_EQ(to_string(Verdict::rejected), "rejected");
  EXPECT_EQ(to_string(RejectReason::too_many_sensors), "too_many_sensors");
  EXPECT_EQ(to_string(RejectReason::name_collision), "name_collision");
}
