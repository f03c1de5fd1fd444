// The broker link's costs: the hand-off on the cycle thread (the one that matters to the
// cycle), what the link thread spends per snapshot, and what a hub spends per message.
#include <benchmark/benchmark.h>

#include <memory>
#include <thread>

#include "link/hub.hpp"
#include "link/link.hpp"
#include "link/messages.hpp"
#include "link/publisher.hpp"

using namespace sensorhost;

namespace {

std::shared_ptr<const cycle::CycleSnapshot> typical_snapshot(io::WallTime now) {
  auto s = std::make_shared<cycle::CycleSnapshot>();
  s->node = "bench";
  s->time = now;
  auto add = [&](std::string sensor, std::vector<io::Measurement> values) {
    auto r = io::ok_reading(std::move(sensor), io::ReadingSource::sim, now, std::move(values));
    r.node = "bench";
    s->readings.push_back(std::move(r));
  };
  add("bme680", {{"temperature", 21.5, "C"}, {"humidity", 44.0, "%RH"}, {"pressure", 1012.3, "hPa"},
                 {"gas_resistance", 120000.0, "ohm"}});
  add("cpu", {{"temperature", 45.1, "C"}});
  add("dht22", {{"temperature", 21.0, "C"}, {"humidity", 45.0, "%RH"}});
  s->leds = {true, false, false};
  return s;
}

// The cycle thread's share: queue the snapshot's pointer and wake the link thread (whose
// broker is unreachable here, so it only keeps the newest snapshot and retries).
// A started link whose broker is unreachable (nothing listens on port 1): it stays down.
std::unique_ptr<link::Link> unreachable_link(io::ProcessImage& image, benchmark::State& state) {
  config::MqttConfig mqtt;
  mqtt.enabled = true;
  mqtt.host = "127.0.0.1";
  mqtt.port = 1;
  mqtt.client_id = "bench";
  link::LinkSources sources;
  sources.image = &image;
  auto link = std::make_unique<link::Link>(mqtt, "bench", std::move(sources));
  if (!link->start()) state.SkipWithError("link did not start");
  return link;
}

void BM_LinkHandOff(benchmark::State& state) {
  io::ProcessImage image("bench");
  auto link_ptr = unreachable_link(image, state);
  link::Link& link = *link_ptr;
  auto snapshot = typical_snapshot(io::WallClock::now());
  for (auto _ : state) link.on_cycle(snapshot);
  state.counters["dropped"] = static_cast<double>(link.health().dropped);
}
BENCHMARK(BM_LinkHandOff);

// The same at a cycle's pace: the link thread has drained the queue before each hand-off.
// Its broker is down, so no heartbeat is due and no call wakes it: the cost of every cycle
// but the one per publish interval that wakes the link (an eventfd write, a few
// microseconds here). Only the call itself is timed.
void BM_LinkHandOffAtCyclePace(benchmark::State& state) {
  io::ProcessImage image("bench");
  auto link_ptr = unreachable_link(image, state);
  link::Link& link = *link_ptr;
  auto snapshot = typical_snapshot(io::WallClock::now());
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    link.on_cycle(snapshot);
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    std::this_thread::sleep_for(std::chrono::microseconds(200));  // the link thread drains meanwhile
  }
  state.counters["dropped"] = static_cast<double>(link.health().dropped);
}
BENCHMARK(BM_LinkHandOffAtCyclePace)->UseManualTime()->Iterations(5000);

// The link thread's work for one heartbeat: encode every reading, plugin and the LEDs.
void BM_PublisherHeartbeat(benchmark::State& state) {
  link::Publisher publisher({.prefix = "sensorhost", .publish_interval = std::chrono::milliseconds(0), .info = {}});
  auto snapshot = typical_snapshot(io::WallClock::now());
  std::vector<plugins::PluginStatus> plugins(4);
  for (std::size_t i = 0; i < plugins.size(); ++i) plugins[i].name = "plugin" + std::to_string(i);
  std::size_t messages = 0;
  for (auto _ : state) messages = publisher.on_snapshot(*snapshot, &plugins, io::WallClock::now()).size();
  state.counters["messages"] = static_cast<double>(messages);
}
BENCHMARK(BM_PublisherHeartbeat);

// A hub's work per reading message: validate, decode, merge into the process image.
void BM_HubHandleReading(benchmark::State& state) {
  io::ProcessImage image("hub");
  link::Hub hub(image, {.prefix = "sensorhost", .local_node = "hub", .local_instance = "x", .subscribe = {"*"},
                        .default_stale_after = std::chrono::seconds(15), .limits = {}});
  const auto now = io::WallClock::now();
  auto reading = typical_snapshot(now)->readings[0];
  reading.node = "sat";
  const std::string payload = link::encode_reading(reading, now);
  const std::string topic = link::Topics("sensorhost").reading("sat", reading.sensor);
  for (auto _ : state) benchmark::DoNotOptimize(hub.handle(topic, payload, false, now));
  state.counters["payload_bytes"] = static_cast<double>(payload.size());
}
BENCHMARK(BM_HubHandleReading);

}  // namespace
