// sensorhost-swarm: many simulated nodes publishing through a broker as real sensorhost
// nodes would (same topics and payloads, from the link's own encoders), to load a hub.
//   sensorhost-swarm --broker 127.0.0.1:1883 --nodes 50 --interval 1000 --seconds 30
// Each node: its own client (with its last will), status and info on connect, then three
// readings (dht22, bme680, cpu) every interval. One thread polls every client's socket.
#include <poll.h>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "link/messages.hpp"
#include "link/mqtt_client.hpp"
#include "link/topics.hpp"

using namespace sensorhost;
using Clock = std::chrono::steady_clock;

namespace {

struct SimNode {
  std::string name;
  std::unique_ptr<link::MqttClient> client;
  bool up = false;
};

std::vector<io::SensorReading> readings_of(const std::string& node, io::WallTime now, int k) {
  const double t = static_cast<double>(k);
  auto r = [&](std::string sensor, std::vector<io::Measurement> values) {
    auto reading = io::ok_reading(std::move(sensor), io::ReadingSource::sim, now, std::move(values));
    reading.node = node;
    return reading;
  };
  return {r("dht22", {{"temperature", 21.0 + std::sin(t / 30), "C"}, {"humidity", 45.0 + std::cos(t / 40), "%RH"}}),
          r("bme680", {{"temperature", 21.5, "C"}, {"humidity", 44.0, "%RH"}, {"pressure", 1012.3, "hPa"},
                       {"gas_resistance", 120000.0 + t, "ohm"}}),
          r("cpu", {{"temperature", 45.0 + std::sin(t / 10), "C"}})};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Simulated sensorhost nodes publishing to a broker"};
  std::string broker = "127.0.0.1:1883", prefix = "sensorhost", name = "swarm";
  int nodes = 50, interval_ms = 1000, seconds = 30;
  app.add_option("--broker", broker, "host:port");
  app.add_option("--nodes", nodes)->check(CLI::Range(1, 1000));
  app.add_option("--interval", interval_ms, "publish interval in ms")->check(CLI::Range(10, 3600000));
  app.add_option("--seconds", seconds)->check(CLI::Range(1, 86400));
  app.add_option("--prefix", prefix);
  app.add_option("--name", name, "node names are NAME-0, NAME-1, ...");
  CLI11_PARSE(app, argc, argv);
  const auto colon = broker.rfind(':');
  const link::Topics topics(prefix);

  std::vector<SimNode> swarm(static_cast<std::size_t>(nodes));
  for (int i = 0; i < nodes; ++i) {
    SimNode& n = swarm[static_cast<std::size_t>(i)];
    n.name = name + "-" + std::to_string(i);
    link::ClientOptions o;
    o.client_id = "swarm-" + n.name;
    o.host = broker.substr(0, colon);
    o.port = static_cast<std::uint16_t>(std::stoi(broker.substr(colon + 1)));
    o.will_topic = topics.status(n.name);
    o.will_payload = "offline";
    link::ClientCallbacks callbacks;
    callbacks.connected = [&n, &topics](int code, const std::string&) {
      n.up = code == 0;
      if (!n.up) return;
      n.client->publish(topics.status(n.name), "online", 1, true);
      link::NodeInfo info{.node = n.name, .version = "swarm", .dashboard = "", .publish_interval = {},
                          .instance = "swarm", .started = io::WallClock::now()};
      n.client->publish(topics.info(n.name), link::encode_info(info), 1, true);
    };
    callbacks.disconnected = [&n](bool, const std::string&) { n.up = false; };
    auto client = link::MqttClient::create(o, std::move(callbacks));
    if (!client) {
      std::fprintf(stderr, "swarm: %s\n", client.error().c_str());
      return 1;
    }
    n.client = std::move(*client);
    n.client->connect();
  }

  const auto end = Clock::now() + std::chrono::seconds(seconds);
  auto next = Clock::now();
  std::uint64_t published = 0;
  for (int k = 0; Clock::now() < end;) {
    if (Clock::now() >= next) {
      const auto now = io::WallClock::now();
      for (auto& n : swarm)
        if (n.up)
          for (const auto& r : readings_of(n.name, now, k))
            if (n.client->publish(topics.reading(n.name, r.sensor), link::encode_reading(r, now), 0, true)) ++published;
      ++k;
      next += std::chrono::milliseconds(interval_ms);
    }
    std::vector<pollfd> fds;
    for (auto& n : swarm)
      fds.push_back({n.client->socket(), static_cast<short>(POLLIN | (n.client->wants_write() ? POLLOUT : 0)), 0});
    ::poll(fds.data(), fds.size(), 20);
    for (std::size_t i = 0; i < swarm.size(); ++i) {
      auto& c = *swarm[i].client;
      if (fds[i].fd < 0) continue;
      if (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) c.on_readable();
      if ((fds[i].revents & POLLOUT) && c.socket() >= 0) c.on_writable();
      if (c.socket() >= 0) c.on_tick();
    }
  }
  for (auto& n : swarm)
    if (n.up) n.client->publish(topics.status(n.name), "offline", 1, true);
  for (int flush = 0; flush < 10; ++flush)
    for (auto& n : swarm)
      if (n.client->socket() >= 0) n.client->on_writable();
  for (auto& n : swarm) n.client->disconnect();
  std::printf("published %llu readings from %d nodes\n", static_cast<unsigned long long>(published), nodes);
  return 0;
}
