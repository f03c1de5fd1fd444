// Several nodes (a hub): readings carry their node, /api/nodes with the broker link's
// health, history by node, node state events, and /api/health with a link and remote nodes.
#include "web/nodes.hpp"

#include "web/history.hpp"
#include "web_test_support.hpp"

namespace sensorhost::web::testing {
namespace {

using nlohmann::json;
using io::NodeState;

link::LinkHealth link_up() {
  link::LinkHealth h;
  h.state = link::LinkState::up;
  h.broker = "mqtt://broker.local:1883";
  h.since_ms = kT0 - 5000;
  h.connects = 2;
  h.published = 1200;
  h.received = 900;
  h.rejected = 4;
  h.dropped = 1;
  return h;
}

class NodesTest : public ServerFixture {};

TEST_F(NodesTest, ReadingsCarryTheirNodeAndTheDocumentListsTheNodes) {
  start();
  server->on_cycle(hub_snapshot(7, epoch_ms(kT0), 21.0));
  const json j = get_json("/api/readings");
  EXPECT_EQ(j["node"], "hub");
  ASSERT_EQ(j["readings"].size(), 3u);
  EXPECT_EQ(j["readings"][0]["node"], "hub");
  EXPECT_EQ(j["readings"][0]["sensor"], "dht22");
  EXPECT_EQ(j["readings"][1]["node"], "attic");
  EXPECT_EQ(j["readings"][1]["sensor"], "bme680");
  EXPECT_EQ(j["readings"][2]["node"], "attic");
  EXPECT_EQ(j["readings"][2]["sensor"], "dht22");
  EXPECT_EQ(j["readings"][2]["age_ms"], 1500);
  EXPECT_EQ(j["readings"][2]["source"], "gpiod");
  ASSERT_EQ(j["nodes"].size(), 2u);
  EXPECT_EQ(j["nodes"][0]["name"], "hub");
  EXPECT_EQ(j["nodes"][0]["local"], true);
  EXPECT_EQ(j["nodes"][1]["name"], "attic");
  EXPECT_EQ(j["nodes"][1]["state"], "online");
  // Everything a single node had is still there.
  for (const char* key : {"cycle", "time_ms", "time", "leds", "led_error", "stats"}) EXPECT_TRUE(j.contains(key)) << key;
}

TEST_F(NodesTest, ASingleNodeSnapshotStillHasTheNodeFields) {
  start();
  server->on_cycle(snapshot(1, epoch_ms(kT0), 20.0));
  const json j = get_json("/api/readings");
  EXPECT_EQ(j["node"], "");
  EXPECT_EQ(j["nodes"], json::array());
  EXPECT_EQ(j["readings"][0]["node"], "");
}

TEST_F(NodesTest, NodesListsEveryNodeWithTheLinkHealth) {
  link_health = link_up;
  start();
  EXPECT_EQ(get_json("/api/nodes", 503)["error"], "no cycle has run yet");
  server->on_cycle(hub_snapshot(3, epoch_ms(kT0), 21.0));
  const json j = get_json("/api/nodes");
  EXPECT_EQ(j["node"], "hub");
  EXPECT_EQ(j["link"], (json{{"state", "up"},
                             {"broker", "mqtt://broker.local:1883"},
                             {"reason", ""},
                             {"since_ms", kT0 - 5000},
                             {"retry_at_ms", 0},
                             {"connects", 2},
                             {"published", 1200},
                             {"received", 900},
                             {"rejected", 4},
                             {"dropped", 1}}));
  ASSERT_EQ(j["nodes"].size(), 2u);
  const json& hub = j["nodes"][0];
  EXPECT_EQ(hub["name"], "hub");
  EXPECT_EQ(hub["local"], true);
  EXPECT_EQ(hub["online"], true);
  EXPECT_EQ(hub["age_ms"], 0);
  EXPECT_EQ(hub["sensors"], 1);
  EXPECT_EQ(j["nodes"][1], (json{{"name", "attic"},
                                 {"local", false},
                                 {"state", "online"},
                                 {"online", true},
                                 {"last_seen_ms", kT0 - 1500},
                                 {"age_ms", 1500},
                                 {"since_ms", kT0 - 60'000},
                                 {"stale_after_ms", 15000},
                                 {"address", "http://attic.local:8080/"},
                                 {"version", "0.2.0"},
                                 {"sensors", 2},
                                 {"messages", 42},
                                 {"rejected", 3},
                                 {"plugins", json::array({{{"name", "dht22"},
                                                           {"state", "running"},
                                                           {"version", "50a6c23c"},
                                                           {"message", "17.5 C cool"},
                                                           {"calls", 40},
                                                           {"failures", 1}}})},
                                 {"leds", {false, true}}}));
}

TEST_F(NodesTest, WithoutALinkTheLinkIsDisabled) {
  start();
  server->on_cycle(hub_snapshot(1, epoch_ms(kT0), 21.0, NodeState::offline));
  const json j = get_json("/api/nodes");
  EXPECT_EQ(j["link"]["state"], "disabled");
  EXPECT_EQ(j["nodes"][1]["state"], "offline");
  EXPECT_EQ(j["nodes"][1]["online"], false);
  EXPECT_EQ(get_json("/api/health")["link"]["state"], "disabled");
}

// A down link and an offline remote node (its readings stale) leave the hub healthy.
TEST_F(NodesTest, HealthShowsTheLinkButADownLinkOrAnOfflineNodeIsNotUnhealthy) {
  link_health = [] {
    link::LinkHealth h;
    h.state = link::LinkState::down;
    h.broker = "mqtt://broker.local:1883";
    h.reason = "connection refused";
    h.retry_at_ms = kT0 + 4000;
    return h;
  };
  start();
  server->on_cycle(hub_snapshot(1, epoch_ms(kT0), 21.0, NodeState::offline));
  const json j = get_json("/api/health");
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["reasons"], json::array());
  EXPECT_TRUE(j["sensors"]["ok"].get<bool>());
  EXPECT_EQ(j["link"]["ok"], false);
  EXPECT_EQ(j["link"]["state"], "down");
  EXPECT_EQ(j["link"]["reason"], "connection refused");
  EXPECT_EQ(j["link"]["retry_at_ms"], kT0 + 4000);

  // The hub's own failing sensor still counts.
  auto s = std::make_shared<cycle::CycleSnapshot>(*hub_snapshot(2, epoch_ms(kT0 + 1000), 21.0));
  s->readings[0] = io::error_reading("dht22", io::ReadingSource::gpiod, epoch_ms(kT0 + 1000), "no response");
  s->readings[0].node = "hub";
  server->on_cycle(s);
  EXPECT_EQ(get_json("/api/health", 503)["reasons"], (json{"sensor dht22: error (no response)"}));
}

TEST_F(NodesTest, HistoryIsKeptPerNodeAndDefaultsToTheLocalNode) {
  start();
  for (int i = 0; i < 5; ++i)
    server->on_cycle(hub_snapshot(static_cast<std::uint64_t>(i + 1), epoch_ms(kT0 - 4000 + 1000 * i), 20.0 + i));
  const json local = get_json("/api/history?sensor=dht22&quantity=temperature");
  EXPECT_EQ(local["node"], "hub");
  ASSERT_EQ(local["series"].size(), 1u);
  EXPECT_EQ(local["series"][0]["points"].size(), 5u);
  EXPECT_EQ(local["series"][0]["points"][4]["avg"], 24.0);

  const json remote = get_json("/api/history?node=attic&sensor=dht22&quantity=temperature");
  EXPECT_EQ(remote["node"], "attic");
  ASSERT_EQ(remote["series"].size(), 1u);
  const auto& points = remote["series"][0]["points"];
  ASSERT_FALSE(points.empty());
  for (const auto& p : points) EXPECT_EQ(p["avg"], 17.5);
  EXPECT_EQ(get_json("/api/history?node=hub&sensor=dht22") ["series"].size(), 2u);
  EXPECT_EQ(get_json("/api/history?node=attic&sensor=bme680")["series"][0]["quantity"], "pressure");

  EXPECT_EQ(get_json("/api/history?node=cellar&sensor=dht22", 404)["error"],
            "unknown node 'cellar' (the nodes are listed at /api/nodes)");
  EXPECT_EQ(get_json("/api/history?node=attic&sensor=cpu", 404)["error"], "unknown sensor 'cpu' on node 'attic'");
  EXPECT_EQ(get_json("/api/history?sensor=bme680", 404)["error"], "unknown sensor 'bme680' on node 'hub'");
}

// Stale readings of an offline node add nothing; a node known from the node list but
// without readings is known (its sensors are not).
TEST_F(NodesTest, HistoryOfAnOfflineNodeStopsAndANodeWithoutReadingsIsKnown) {
  start();
  auto s = std::make_shared<cycle::CycleSnapshot>(*hub_snapshot(1, epoch_ms(kT0), 21.0, NodeState::offline));
  s->nodes.push_back(node_status("garage", NodeState::unknown, {}));
  server->on_cycle(s);
  const json attic = get_json("/api/history?node=attic&sensor=dht22");
  EXPECT_EQ(attic["series"], json::array());
  EXPECT_EQ(get_json("/api/history?node=garage&sensor=dht22", 404)["error"], "unknown sensor 'dht22' on node 'garage'");
  const json garage = get_json("/api/nodes")["nodes"][2];
  EXPECT_EQ(garage["last_seen_ms"], 0);
  EXPECT_EQ(garage["age_ms"], nullptr);
}

TEST(History, RemoteSeriesGetCoarserRings) {
  History h(std::chrono::hours(24), std::chrono::milliseconds(2000));
  EXPECT_EQ(h.capacity(), History::kMaxSlots);
  EXPECT_EQ(h.remote_capacity(), History::kMaxRemoteSlots);
  EXPECT_EQ(h.remote_slot_ms(), 60'000);
  History small(std::chrono::minutes(10), std::chrono::milliseconds(1000));
  EXPECT_EQ(small.remote_capacity(), 601u);  // short retentions keep the cycle's resolution
  EXPECT_EQ(small.remote_slot_ms(), 1000);

  auto readings = std::make_shared<std::vector<io::SensorReading>>();
  for (const char* node : {"hub", "attic"}) {
    readings->push_back(io::ok_reading("dht22", io::ReadingSource::sim, epoch_ms(kT0), {{"temperature", 20.0, "C"}}));
    readings->back().node = node;
  }
  h.record(readings, "hub");
  // Two samples 10 s apart: two slots locally (8.64 s), one for the remote node (60 s).
  for (auto& r : *readings) r.time = epoch_ms(kT0 + 10'000);
  h.record(std::make_shared<const std::vector<io::SensorReading>>(*readings), "hub");
  HistoryQuery q{"dht22", std::nullopt, kT0 - 60'000, kT0 + 60'000, 500, "hub"};
  EXPECT_EQ((*h.query(q))[0].points.size(), 2u);
  q.node = "attic";
  EXPECT_EQ((*h.query(q))[0].points.size(), 1u);
  EXPECT_TRUE(h.has_node("attic"));
  EXPECT_FALSE(h.has_node("cellar"));
}

TEST(NodeChanges, ReportsStateChangesAndNewNodesOnly) {
  const auto t = epoch_ms(kT0);
  const std::vector<io::NodeStatus> before = {node_status("hub", NodeState::online, t, true),
                                              node_status("attic", NodeState::online, t),
                                              node_status("cellar", NodeState::silent, t)};
  EXPECT_TRUE(node_changes(before, before).empty());
  std::vector<io::NodeStatus> after = before;
  after[1].state = NodeState::offline;
  after[2].last_seen = epoch_ms(kT0 + 5);  // not a state change
  after.insert(after.begin() + 2, node_status("barn", NodeState::unknown, t));
  const auto changes = node_changes(before, after);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].node, "attic");
  EXPECT_EQ(changes[0].state, NodeState::offline);
  EXPECT_EQ(changes[0].previous, NodeState::online);
  EXPECT_EQ(changes[1].node, "barn");
  EXPECT_FALSE(changes[1].previous);
  EXPECT_EQ(node_event_json(changes[0], t),
            (json{{"node", "attic"}, {"state", "offline"}, {"previous", "online"}, {"time_ms", kT0}}));
  EXPECT_EQ(node_event_json(changes[1], t)["previous"], nullptr);
  // A removed node sends nothing; the order of the lists does not matter.
  EXPECT_TRUE(node_changes(before, {before[2], before[0]}).empty());
}

TEST_F(NodesTest, NodeStateChangesAreLiveEvents) {
  start();
  SseReader reader(server->port());
  ASSERT_TRUE(reader.wait_for_retry());
  server->on_cycle(hub_snapshot(1, epoch_ms(kT0), 20.0));
  server->on_cycle(hub_snapshot(2, epoch_ms(kT0 + 1000), 20.0));  // no change: no event
  server->on_cycle(hub_snapshot(3, epoch_ms(kT0 + 2000), 20.0, NodeState::silent));
  server->on_cycle(hub_snapshot(4, epoch_ms(kT0 + 3000), 20.0, NodeState::offline));
  server->on_cycle(hub_snapshot(5, epoch_ms(kT0 + 4000), 20.0));
  ASSERT_TRUE(reader.wait_for("reading", 5));
  ASSERT_TRUE(reader.wait_for("node", 3));
  const auto nodes = reader.messages("node");
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(json::parse(nodes[0].data),
            (json{{"node", "attic"}, {"state", "silent"}, {"previous", "online"}, {"time_ms", kT0 + 2000}}));
  EXPECT_EQ(json::parse(nodes[1].data)["state"], "offline");
  EXPECT_EQ(json::parse(nodes[2].data)["previous"], "offline");
  EXPECT_EQ(json::parse(nodes[2].data)["state"], "online");
  // One id sequence: the node event follows its cycle's reading.
  const auto readings = reader.messages("reading");
  EXPECT_EQ(std::stoi(nodes[0].id), std::stoi(readings[2].id) + 1);
  // The reading event carries the nodes and each reading's node.
  const json third = json::parse(readings[2].data);
  EXPECT_EQ(third["nodes"][1]["state"], "silent");
  EXPECT_EQ(third["readings"][1]["node"], "attic");
  EXPECT_EQ(third["readings"][1]["status"], "stale");
}

}  // namespace
}  // namespace sensorhost::web::testing
